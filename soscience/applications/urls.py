from django.urls import URLPattern, path

from soscience.applications import views

app_name = "applications"
urlpatterns: list[URLPattern] = [
    # Volunteers
    path("missions/<int:pk>/apply/", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The coordination team (the mission's supervisor reads along)
    path("missions/<int:pk>/", views.mission_applications, name="mission_applications"),
    path("missions/<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("<int:pk>/select/", views.select, name="select"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("team/<int:pk>/remove/", views.remove, name="remove"),
]
