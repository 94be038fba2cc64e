"""The skills taxonomy: the coordinators' pages (list, add, edit, merge, unmatched terms)
and the typeahead fragment anyone signed in uses on the profile form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError
from soscience.volunteers.access import skill_for_user, unmatched_term_for_user
from soscience.volunteers.forms import SkillFilterForm, SkillForm, SkillMergeForm, TermMapForm
from soscience.volunteers.models import Skill, UnmatchedTerm
from soscience.volunteers.search import SkillIndex, split_terms
from soscience.volunteers.selectors import (
    all_skills_sorted,
    skill_page,
    skill_usage,
    unmatched_count,
    unmatched_page,
)
from soscience.volunteers.services import (
    skill_create,
    skill_lookup,
    skill_merge,
    skill_update,
    unmatched_term_map,
)

SUGGESTIONS = 8
GET_POST = require_http_methods(["GET", "POST"])


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _add_error(form: SkillForm | SkillMergeForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
def skill_list(request: HttpRequest) -> HttpResponse:
    """The taxonomy, searchable and by domain, with how much each skill is used."""
    require_coordinator(request.user)
    form = SkillFilterForm(request.GET)
    form.is_valid()  # a stale domain in a bookmark is reported; the search still runs
    cleaned = getattr(form, "cleaned_data", {})
    page = skill_page(
        q=cleaned.get("q", ""), domain=cleaned.get("domain"), page=request.GET.get("page")
    )
    context = {"form": form, "page": page, "unmatched": unmatched_count()}
    return render(request, "volunteers/skill_list.html", context)


def _term_from(request: HttpRequest) -> UnmatchedTerm | None:
    pk = _int(request.POST.get("term") or request.GET.get("term"))
    return unmatched_term_for_user(request.user, pk) if pk is not None else None


@GET_POST
def skill_create_view(request: HttpRequest) -> HttpResponse:
    """Add a skill; from an unmatched term (``?term=``), the term is mapped to it."""
    require_coordinator(request.user)
    term = _term_from(request)
    initial = {"name_fr": term.text, "name_en": term.text, "term": term.pk} if term else {}
    form = SkillForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            skill = skill_create(
                by=request.user, name_fr=data["name_fr"], name_en=data["name_en"],
                domain=data["domain"], synonyms=data["synonyms"], term=term,
            )  # fmt: skip
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The skill “%(name)s” was added.") % {"name": skill.name})
            return redirect("volunteers:unmatched_terms" if term else "volunteers:skill_list")
    return render(request, "volunteers/skill_form.html", {"form": form, "term": term})


@GET_POST
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a skill, change its domain and its synonyms."""
    skill = skill_for_user(request.user, pk, for_write=True)
    initial = {
        "name_fr": skill.name_fr, "name_en": skill.name_en, "domain": skill.domain,
        "synonyms": skill.synonyms,
    }  # fmt: skip
    form = SkillForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            skill_update(
                skill=skill, by=request.user, name_fr=data["name_fr"], name_en=data["name_en"],
                domain=data["domain"], synonyms=data["synonyms"],
            )  # fmt: skip
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The skill was saved."))
            return redirect("volunteers:skill_list")
    context = {"form": form, "skill": skill, "usage": skill_usage(skill)}
    return render(request, "volunteers/skill_form.html", context)


@GET_POST
def skill_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the skill ``pk`` into another one, chosen here."""
    source = skill_for_user(request.user, pk, for_write=True)
    form = SkillMergeForm(request.POST if request.method == "POST" else None, source=source)
    if request.method == "POST" and form.is_valid():
        target = skill_for_user(request.user, form.cleaned_data["target"], for_write=True)
        name = source.name
        try:
            skill_merge(source=source, target=target, by=request.user)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("“%(source)s” was merged into “%(target)s”.")
                % {"source": name, "target": target.name},
            )
            return redirect("volunteers:skill_edit", pk=target.pk)
    context = {"form": form, "skill": source, "usage": skill_usage(source)}
    return render(request, "volunteers/skill_merge.html", context)


@require_GET
def skill_suggest(request: HttpRequest) -> HttpResponse:
    """Skills matching what is being typed (the last comma-separated term), as an HTML
    fragment for htmx. ``q``, or the free-text field's own name, carries the text."""
    text = request.GET.get("q") or request.GET.get("skills_text") or ""
    terms = split_terms(text)
    term = terms[-1] if terms and not text.rstrip().endswith(",") else ""
    skills = skill_lookup(term, get_language() or "fr", limit=SUGGESTIONS) if term else []
    context = {"term": term, "skills": skills}
    return render(request, "volunteers/_skill_suggestions.html", context)


def _term_rows(
    page: Page, bound: dict[int, TermMapForm]
) -> list[tuple[UnmatchedTerm, TermMapForm]]:
    return [(term, bound.get(term.pk) or TermMapForm(term=term)) for term in page.object_list]


@GET_POST
def unmatched_terms(request: HttpRequest) -> HttpResponse:
    """Terms people typed that no skill answers: map each to a skill, or make a skill."""
    require_coordinator(request.user)
    bound: dict[int, TermMapForm] = {}
    if request.method == "POST":
        pk = _int(request.POST.get("term"))
        if pk is None:
            raise Http404
        term = unmatched_term_for_user(request.user, pk)
        form = TermMapForm(request.POST, term=term, index=SkillIndex.load())
        if form.is_valid():
            skill: Skill = form.cleaned_data["skill"]
            unmatched_term_map(term=term, skill=skill, by=request.user)
            messages.success(
                request,
                _("“%(term)s” now leads to “%(skill)s”.")
                % {"term": term.text, "skill": skill.name},
            )
            return redirect(reverse("volunteers:unmatched_terms") + _page_query(request))
        bound[term.pk] = form
    page = unmatched_page(request.GET.get("page"))
    context = {"page": page, "rows": _term_rows(page, bound), "skills": all_skills_sorted()}
    return render(request, "volunteers/unmatched_terms.html", context)


def _page_query(request: HttpRequest) -> str:
    page = _int(request.GET.get("page"))
    return f"?page={page}" if page else ""
