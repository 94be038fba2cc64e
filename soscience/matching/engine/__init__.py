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
from .ranking import FIT_GOOD, FIT_STRONG, AreaMatch, Ranked, fit_of, rank, rank_needs
from .reasons import area_label
from .team import Team, propose_team

__all__ = [
    "FIT_GOOD",
    "FIT_STRONG",
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
    "fit_of",
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
