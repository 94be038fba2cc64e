from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString

from soscience.core.access import is_coordinator
from soscience.core.markdown import render_markdown
from soscience.core.selectors import notes_for

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("includes/notes.html", takes_context=True)
def internal_notes(context: template.Context, subject: object, kind: str) -> dict[str, object]:
    """The coordinators' notes on ``subject`` and a form to add one. Renders nothing for
    anyone else: callers need not check."""
    request = context["request"]
    visible = is_coordinator(request.user)
    return {
        "visible": visible,
        "notes": notes_for(subject) if visible else [],  # type: ignore[arg-type]
        "kind": kind,
        "subject": subject,
        "csrf_token": context.get("csrf_token"),
    }
