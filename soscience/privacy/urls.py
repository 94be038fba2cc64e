from django.urls import URLPattern, path

from soscience.privacy import views, views_audit

app_name = "privacy"

urlpatterns: list[URLPattern] = [
    path("audit/", views_audit.audit_log, name="audit"),
    path("", views.notice, name="notice"),
    path("my-data/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("register/", views.register, name="register"),
]
