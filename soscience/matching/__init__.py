"""Matching: ranking volunteers for a mission and proposing a team.

The engine (`soscience.matching.engine`) is pure Python and imports no Django, so the
command line (`python -m soscience.matching`) runs without settings.
"""
