from django.urls import path

from soscience.execution import views_supervision

app_name = "supervision"

urlpatterns = [
    path("supervision/", views_supervision.my_missions, name="my_missions"),
]
