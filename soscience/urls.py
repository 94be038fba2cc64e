from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("soscience.core.urls")),
    path("", include("soscience.accounts.urls")),
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
    path("django-admin/", admin.site.urls),
]
