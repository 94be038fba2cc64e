"""Public catalogue pages: readable by anyone (the views are login_not_required)."""

from django.urls import URLPattern, path

from soscience.missions.views import public

urlpatterns: list[URLPattern] = [
    path("", public.catalogue, name="catalogue"),
    path("<int:pk>/", public.detail, name="detail"),
    path("feed/", public.feed, name="feed"),
]
