from django.urls import path

from soscience.prospects import views

app_name = "prospects"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("new/", views.prospect_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:pk>/", views.prospect_detail, name="detail"),
    path("<int:pk>/edit/", views.prospect_edit, name="edit"),
    path("<int:pk>/stage/", views.stage_change, name="stage"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/register/", views.register, name="register"),
]
