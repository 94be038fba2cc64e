"""The SoScience matching engine (pure Python + numpy, no Django).

Build the index once (`build_index(volunteers)`), then for each need `rank(need, index,
top=10)` gives eligible volunteers best first with reasons, and `propose_team(need, ranked,
index)` complementary members, the areas left uncovered and an advisor.
"""

from .index import Index, build_index, eligible, violations, window_fits
from .lexicon import load as load_lexicon
from .model import (
    InputError,
    Location,
    Need,
    Skill,
    Volunteer,
    Window,
    need_from_dict,
    volunteer_from_dict,
)
from .profiles import need_profile, volunteer_profile
from .ranking import AreaMatch, Ranked, rank, rank_needs
from .reasons import area_label
from .team import Team, propose_team

__all__ = [
    "AreaMatch",
    "Index",
    "InputError",
    "Location",
    "Need",
    "Ranked",
    "Skill",
    "Team",
    "Volunteer",
    "Window",
    "area_label",
    "build_index",
    "eligible",
    "load_lexicon",
    "need_from_dict",
    "need_profile",
    "propose_team",
    "rank",
    "rank_needs",
    "violations",
    "volunteer_from_dict",
    "volunteer_profile",
    "window_fits",
]
