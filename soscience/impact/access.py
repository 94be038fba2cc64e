"""Who may read which impact figures."""

from __future__ import annotations

from soscience.core.access import require_coordinator


def dashboard_access(user: object) -> None:
    """The dashboard is the coordination team's: others know it exists but may not read it
    (403). The public impact page needs no check."""
    require_coordinator(user)
