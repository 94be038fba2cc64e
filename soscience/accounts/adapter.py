from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from soscience.core.mail import enqueue_message


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with mail sent by the worker so an SMTP failure never fails a sign-up."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's templates expect these two; its default adapter adds them itself.
        request = allauth_context.request
        site = get_current_site(request) if request is not None else None
        context = {"email": email, "current_site": site, **context}
        enqueue_message(self.render_mail(template_prefix, email, context))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data["full_name"]
        user.language = (getattr(request, "LANGUAGE_CODE", None) or "fr")[:2]
        if commit:
            user.save()
            from soscience.accounts.services import user_after_signup

            user_after_signup(user=user, joining_as=form.cleaned_data.get("joining_as", ""))
            from soscience.network.services import referral_record

            referral_record(request, "signup", user)
        return user

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        confirmed = super().confirm_email(request, email_address)
        from soscience.organisations.services import memberships_claim

        memberships_claim(user=email_address.user, email=email_address.email)
        return confirmed
