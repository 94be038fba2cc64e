from django.urls import path

from soscience.closing import views_followup as views

app_name = "followup"

urlpatterns = [
    path("", views.follow_up_list, name="list"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("thanks/", views.thanks, name="thanks"),
]
