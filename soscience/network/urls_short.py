"""The short links, at the site's root: include this at "s/" in soscience/urls.py."""

from django.urls import URLPattern, path

from soscience.network import views

app_name = "short"

urlpatterns: list[URLPattern] = [
    path("<str:code>/", views.go, name="go"),
]
