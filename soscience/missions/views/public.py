"""The public catalogue: anyone, visitors included, may read published missions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from soscience.core.page_cache import uncacheable, visitor_page
from soscience.core.widgets import LongSelect
from soscience.missions.access import mission_public
from soscience.missions.feeds import NewMissionsFeed, plain_excerpt
from soscience.missions.selectors import (
    CatalogueOptions,
    catalogue_filters_options,
    catalogue_page,
    whole_weeks,
)

RESULTS_TARGET = "results"


class CatalogueFilterForm(forms.Form):
    """The GET filters. A value that is not offered is reported next to its field and
    that filter alone is ignored, so a stale bookmark still shows missions."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from the title or the description."),
    )  # fmt: skip
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=LongSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)
    skill = forms.ChoiceField(label=_("Skill"), required=False, widget=LongSelect)
    campus = forms.ChoiceField(label=_("Campus"), required=False, widget=LongSelect)
    remote = forms.BooleanField(label=_("Can be done remotely"), required=False)

    def __init__(self, *args: Any, options: CatalogueOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All domains"))] + [
            (domain.slug, domain.name) for domain in options.domains
        ]
        self.fields["country"].choices = [("", _("All countries")), *options.countries]
        self.fields["skill"].choices = [("", _("All skills"))] + [
            (skill.slug, skill.name) for skill in options.skills
        ]
        self.fields["campus"].choices = [("", _("All campuses"))] + [
            (campus.slug, campus.name) for campus in options.campuses
        ]


def _wants_results_only(request: HttpRequest) -> bool:
    """htmx asks for the results alone; a boosted link or a history restore needs the
    whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]


@login_not_required
@require_GET
@visitor_page(
    "catalogue", params=("domain", "country", "skill", "campus", "remote", "page"),
    free_text=("q",), htmx_targets=(RESULTS_TARGET,),
)  # fmt: skip
def catalogue(request: HttpRequest) -> HttpResponse:
    """Published missions with filters; the whole page, or only the results for htmx.
    Visitors get it from the page cache, searches excepted (see core.page_cache)."""
    form = CatalogueFilterForm(request.GET, options=catalogue_filters_options())
    form.is_valid()  # cleaned_data keeps the valid filters even if one is not
    page = catalogue_page(form.cleaned_data, request.GET.get("page"))
    template = "missions/catalogue.html"
    if _wants_results_only(request):
        template += f"#{RESULTS_TARGET}"
    response = TemplateResponse(request, template, {"form": form, "page": page})
    # The same URL answers with a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    if not _as_offered(request, form, page):
        uncacheable(response)
    return response


def _as_offered(request: HttpRequest, form: CatalogueFilterForm, page: Any) -> bool:
    """The filters as the page's own links and form write them. Only such pages are cached:
    a typo in a bookmark, "?page=02" or "?remote=yes" is shown but not kept, so no one can
    fill the cache with made-up addresses."""
    if form.errors or request.GET.get("remote", "on") not in ("", "on"):
        return False
    return request.GET.get("page", str(page.number)) == str(page.number)


@login_not_required
@require_GET
@visitor_page("catalogue", "teams")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published mission as volunteers and visitors see it: no private data. Visitors
    get it from the page cache (the team's names are on it: group "teams")."""
    mission = mission_public(pk)
    context = {
        "mission": mission,
        "weeks": whole_weeks(mission),
        "description": plain_excerpt(mission.problem, words=30),
    }
    return TemplateResponse(request, "missions/detail.html", context)


feed = login_not_required(NewMissionsFeed())
