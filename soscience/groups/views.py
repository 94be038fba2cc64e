"""Pages of the working groups: the list, creation and edition, the group page and its
actions (add a member, leave, expertise, post, share a file, download)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soscience.core.errors import DomainError
from soscience.core.stored_files import download_response
from soscience.groups import access, selectors, services
from soscience.groups.forms import ExpertiseForm, FileForm, GroupForm, InviteForm, PostForm
from soscience.groups.models import WorkingGroup


def _error(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.groups_for(request.user)  # type: ignore[arg-type]
    page = Paginator(groups, selectors.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "groups/list.html", {"page": page})


def group_create(request: HttpRequest) -> HttpResponse:
    access.group_create_allowed(request.user)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The working group was created."))
            return redirect("groups:detail", pk=group.pk)
    return render(request, "groups/form.html", {"form": form, "group": None})


def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_coordinator(request.user, pk)
    initial = {
        "title": group.title, "theme": group.theme, "description": group.description,
        "mission": group.mission, "skills": list(group.skills.all()), "is_open": group.is_open,
    }  # fmt: skip
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The working group was saved."))
            return redirect("groups:detail", pk=group.pk)
    return render(request, "groups/form.html", {"form": form, "group": group})


def _page(request: HttpRequest, group: WorkingGroup, **forms_: forms.Form) -> HttpResponse:
    page = selectors.group_page(group, request.user, request.GET.get("page"))  # type: ignore[arg-type]
    mine = [m.membership for m in page.members if m.membership.user_id == request.user.pk]
    own = mine[0] if mine else None
    context: dict[str, Any] = {
        "page": page,
        "group": group,
        "invite_form": InviteForm(),
        "post_form": PostForm(),
        "file_form": FileForm(),
        "expertise_form": ExpertiseForm(initial={"expertise": own.expertise if own else ""}),
        **forms_,
    }
    return render(request, "groups/detail.html", context)


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.group_for_member(request.user, pk))


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_member(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(
                request, _("%(name)s is now a member of the group.") % {"name": membership.user}
            )
            return redirect("groups:detail", pk=pk)
    return _page(request, group, invite_form=form)


@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_member(request.user, pk)
    try:
        services.member_leave(group=group, user=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("groups:detail", pk=pk)
    messages.success(request, _("You left the group %(title)s.") % {"title": group.title})
    return redirect("groups:list")


@require_POST
def member_expertise(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_member(request.user, pk)
    form = ExpertiseForm(request.POST)
    if form.is_valid():
        try:
            services.member_set_expertise(group=group, user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Your expertise was saved."))
            return redirect("groups:detail", pk=pk)
    return _page(request, group, expertise_form=form)


@require_POST
def post_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_member(request.user, pk)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_add(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("Your message was posted."))
            return redirect(f"{services.group_path(group)}#post-{post.pk}")
    return _page(request, group, post_form=form)


@require_POST
def file_share(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.group_for_member(request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_share(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The file was shared with the group."))
            return redirect("groups:detail", pk=pk)
    return _page(request, group, file_form=form)


@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    shared = access.group_file_for_user(request.user, pk)
    return download_response(
        request, shared.file, filename=shared.original_name, content_type=shared.content_type
    )
