from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from soscience.accounts.access import require_coordinator
from soscience.accounts.forms import AcceptInvitationForm, InvitationForm, PreferencesForm
from soscience.accounts.models import Invitation, User
from soscience.accounts.roles import TEAM_ROLES
from soscience.accounts.services import invitation_accept, invitation_create
from soscience.core.errors import DomainError


def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


def team(request: HttpRequest) -> HttpResponse:
    """The coordination team and its invitations; coordinators invite new members here."""
    require_coordinator(request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
                email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("accounts:team")
    members = (
        User.objects.filter(groups__name__in=TEAM_ROLES, is_active=True)
        .distinct()
        .prefetch_related("groups")
        .order_by("full_name")
    )
    invitations = Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by")[
        :50
    ]
    return render(
        request,
        "accounts/team.html",
        {"form": form, "members": members, "invitations": invitations},
    )


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation to the team: with the current account, or by creating one."""
    invite = Invitation.objects.filter(token=token).first()
    if invite is None or not invite.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = None if request.user.is_authenticated else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                user = invitation_accept(token=token, user=request.user)
            else:
                user = invitation_accept(
                    token=token, full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )  # fmt: skip
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Welcome to the team."))
            return redirect("core:dashboard")
    return render(request, "accounts/invitation.html", {"invitation": invite, "form": form})
