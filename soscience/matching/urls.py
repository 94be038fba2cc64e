from django.urls import URLPattern, path

from soscience.matching import views

app_name = "matching"
urlpatterns: list[URLPattern] = [
    # The coordination team (the mission's supervisor reads the suggestions along)
    path("missions/<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("missions/<int:pk>/team-builder/", views.team_builder, name="team_builder"),
    # Volunteers
    path("for-me/", views.for_me, name="for_me"),
]
