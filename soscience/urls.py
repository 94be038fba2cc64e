from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from soscience.accounts.views import sessions

urlpatterns = [
    # For crawlers: a plain-text template (soscience/templates/robots.txt), no code of its own.
    path(
        "robots.txt",
        login_not_required(
            TemplateView.as_view(
                template_name="robots.txt", content_type="text/plain; charset=utf-8"
            )
        ),
        name="robots_txt",
    ),
    path("", include("soscience.core.urls")),
    path("", include("soscience.accounts.urls")),
    # allauth.usersessions' page with sudo mode before "sign out the other sessions": before
    # allauth's URLs, so it replaces their pattern of the same name and address.
    path("accounts/sessions/", sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("soscience.organisations.urls")),
    path("needs/", include("soscience.needs.urls")),
    path("missions/", include("soscience.missions.urls")),
    path("", include("soscience.volunteers.urls")),
    path("applications/", include("soscience.applications.urls")),
    path("matching/", include("soscience.matching.urls")),
    path("notifications/", include("soscience.notifications.urls")),
    path("execution/", include("soscience.execution.urls_equipment")),
    path("execution/", include("soscience.execution.urls")),
    path("execution/", include("soscience.execution.urls_supervision")),
    path("execution/", include("soscience.execution.urls_deliverables")),
    path("closing/", include("soscience.closing.urls")),
    path("follow-up/", include("soscience.closing.urls_followup")),
    path("certificates/", include("soscience.certificates.urls")),
    path("cases/", include("soscience.cases.urls")),
    path("impact/", include("soscience.impact.urls")),
    path("impact/", include("soscience.impact.urls_exports")),
    path("network/", include("soscience.network.urls")),
    path("s/", include("soscience.network.urls_short")),
    path("events/", include("soscience.events.urls")),
    path("groups/", include("soscience.groups.urls")),
    path("prospects/", include("soscience.prospects.urls")),
    path("api/", include("soscience.api.urls")),
    path("privacy/", include("soscience.privacy.urls")),
    path("django-admin/", admin.site.urls),
]
