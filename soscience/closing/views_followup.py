"""Follow-up surveys: the organisation answers through its signed link, without logging in;
coordinators read every follow-up and its answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from soscience.closing.forms_followup import FollowUpAnswerForm
from soscience.closing.services_followup import (
    TokenCheck,
    followup_answer,
    followup_for_token,
    followups_for_coordinators,
)
from soscience.core.access import require_coordinator
from soscience.core.errors import DomainError

PAGE_SIZE = 50
# A link that cannot be used: 400 when it was never valid, 410 when it was and is no more.
PROBLEM_STATUS = {"invalid": 400, "expired": 410, "answered": 410}


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up survey, for whoever holds the link (the token is the secret)."""
    check = followup_for_token(token)
    if check.followup is None or check.problem:
        return _unusable(request, check)
    followup = check.followup
    form = FollowUpAnswerForm(request.POST or None, instance=followup)
    if request.method == "POST" and form.is_valid():
        try:
            done = followup_answer(
                followup=followup, data=form.cleaned_data,
                create_need=form.cleaned_data["create_need"], by=request.user,
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            if done.new_need_id:
                messages.success(
                    request,
                    _("Your further needs are now a need the SoScience team will triage; "
                      "members of your organisation find it in their space."),
                )  # fmt: skip
            return redirect("followup:thanks")
    context = {"form": form, "followup": followup, "mission": followup.mission}
    return render(request, "closing/followup_answer.html", context)


def _unusable(request: HttpRequest, check: TokenCheck) -> HttpResponse:
    return render(
        request, "closing/followup_unusable.html",
        {"problem": check.problem or "invalid", "followup": check.followup},
        status=PROBLEM_STATUS.get(check.problem, 400),
    )  # fmt: skip


@login_not_required
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """Where an answer lands (its messages say what was recorded)."""
    return render(request, "closing/followup_thanks.html")


@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Every follow-up with where it stands and the organisation's answers."""
    require_coordinator(request.user)
    page = Paginator(followups_for_coordinators(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "closing/followup_list.html", {"page": page, "today": timezone.localdate()}
    )
