from django.urls import path

from soscience.execution import views_deliverables as views

app_name = "deliverables"

urlpatterns = [
    path("missions/<int:pk>/deliverables/", views.deliverable_list, name="list"),
    path("missions/<int:pk>/deliverables/upload/", views.deliverable_upload, name="upload"),
    path("deliverables/<int:pk>/", views.deliverable_download, name="download"),
]
