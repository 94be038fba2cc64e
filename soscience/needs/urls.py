from django.urls import path

from soscience.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.start, name="start"),
    path("submit/", views.submit, name="submit"),
    path("triage/", views.triage, name="triage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:need_pk>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
]
