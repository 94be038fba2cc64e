from django.urls import path

from soscience.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.preferences, name="preferences"),
    path("team/", views.team, name="team"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
