"""Synthetic data at scale for the benchmarks: ``manage.py generate_scale_data``.

The platform of PRODUCT.md's design target (or a hundredth of it), written with the real
tables and consistent with the platform's rules, so that pages show what they would in
production: every mission status in realistic shares, teams never over their size, hours
within the missions' dates, surveys and certificates of closed missions, and so on.

It is fast because it makes no model objects: the plan is kept compact (plan.py,
staffing.py), then each table is streamed in one pass (sink.py: COPY on PostgreSQL).

Parts, in the order they run: world.py (shared state, reference data), people.py,
organisations.py, plan.py and staffing.py (the missions' lives), missions.py, teams.py,
work.py, closing.py, network.py; generate.py ties them together.
"""

from soscience.core.scale.generate import Report, generate
from soscience.core.scale.sizes import PRESETS, Sizes

__all__ = ["PRESETS", "Report", "Sizes", "generate"]
