from django.urls import URLPattern, path

from soscience.network import views

app_name = "network"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("campus/<slug:slug>/", views.dashboard, name="dashboard"),
    path("missions/<int:pk>/share/", views.share_kit, name="share_kit"),
    path("links/<str:code>/poster.pdf", views.poster, name="poster"),
]
