from django.urls import path

from soscience.execution import views

app_name = "execution"

urlpatterns = [
    path("missions/<int:pk>/", views.space, name="space"),
    path("missions/<int:pk>/kick-off/", views.kick_off, name="kick_off"),
    path("missions/<int:pk>/extend/", views.extend, name="extend"),
    path("missions/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("missions/<int:pk>/updates/", views.update_post, name="update_post"),
    path("updates/<int:pk>/reply/", views.update_reply, name="update_reply"),
    path(
        "updates/<int:update_pk>/files/<int:pk>/",
        views.update_attachment,
        name="update_attachment",
    ),
]
