from django.urls import path

from soscience.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notes/<str:kind>/<int:pk>/", views.note_add, name="note_add"),
    path("platform/settings/", views.platform_settings, name="platform_settings"),
]
