from django.urls import path

from soscience.impact import views

app_name = "impact"

urlpatterns = [
    path("", views.public, name="public"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
