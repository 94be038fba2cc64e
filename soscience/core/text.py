"""Small helpers for translated text."""

from __future__ import annotations

from django.utils.functional import lazy


def _percent(text: str, values: dict[str, object]) -> str:
    return text % values


# ``gettext_lazy("... %(n)d ...") % values`` translates at once, in whatever language is
# active at import time; this keeps a %-filled message lazy, so it follows the reader.
lazy_percent = lazy(_percent, str)
