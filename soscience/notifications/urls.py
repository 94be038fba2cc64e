from django.urls import URLPattern, path

from soscience.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("mark-read/", views.mark_read, name="mark_read"),
    path("settings/", views.preferences, name="preferences"),
    path("organisations/<int:pk>/news/", views.organisation_news, name="organisation_news"),
]
