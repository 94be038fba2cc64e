from django.urls import URLPattern, path

from soscience.privacy import views_audit

app_name = "privacy"

urlpatterns: list[URLPattern] = [
    path("audit/", views_audit.audit_log, name="audit"),
]
