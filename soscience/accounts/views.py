from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.usersessions.views import list_usersessions
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soscience.accounts.access import invitation_for_token, require_coordinator
from soscience.accounts.forms import AcceptInvitationForm, InvitationForm, PreferencesForm
from soscience.accounts.models import Invitation, User
from soscience.accounts.roles import GROUP_ROLES, TEAM_ROLES, Role
from soscience.accounts.services import invitation_accept, invitation_create, role_grant
from soscience.accounts.sudo import sudo_required_for_post
from soscience.core.errors import DomainError


def _role_labels(names: object) -> list[str]:
    return [str(role.label) for role in Role if role.value in names]  # type: ignore[operator]


def preferences(request: HttpRequest) -> HttpResponse:
    """Name and language; links to the email, password and two-step verification pages."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "become_volunteer":
        role_grant(user=user, role=Role.VOLUNTEER, by=user)  # type: ignore[arg-type]
        messages.success(request, _("You are now a volunteer: find a mission that suits you."))
        return redirect("core:dashboard")
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        with translation.override(user.language):
            messages.success(request, _("Your preferences were saved."))
        response = redirect("accounts:preferences")
        # The visitor's cookie follows the account, so the choice holds after logging out.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return render(
        request,
        "accounts/preferences.html",
        {"form": form, "role_labels": _role_labels(user.roles), "has_totp": has_totp},
    )


@sudo_required_for_post
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
        .order_by("full_name", "email")
    )
    rows = [
        (member, _role_labels({g.name for g in member.groups.all() if g.name in GROUP_ROLES}))
        for member in members
    ]
    invitations = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")[:50]
    return render(
        request, "accounts/team.html", {"form": form, "rows": rows, "invitations": invitations}
    )


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation to the team: with the current account, or by creating one."""
    invite = invitation_for_token(token)
    if invite is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    anonymous = not request.user.is_authenticated
    form = AcceptInvitationForm(request.POST or None, email=invite.email) if anonymous else None
    refusal = None
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
                refusal = error.message
            else:
                form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Welcome to the team."))
            return redirect("core:dashboard")
    other_account = not anonymous and request.user.email.lower() != invite.email
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invite,
            "role_label": Role(invite.role).label,
            "form": form,
            "refusal": refusal,
            "other_account": other_account,
        },
    )


# allauth.usersessions' page (/accounts/sessions/, see soscience/urls.py), with sudo mode before
# "sign out the other sessions": ASVS 3.3.4 asks for the credentials again there, and someone on
# a borrowed session must not be able to sign the owner out of every other device.
sessions = sudo_required_for_post(list_usersessions)
