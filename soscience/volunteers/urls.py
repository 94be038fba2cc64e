from django.urls import path

from soscience.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.campus_list, name="campus_list"),
    path("new/", views.campus_create, name="campus_create"),
    path("<int:pk>/edit/", views.campus_edit, name="campus_edit"),
]
