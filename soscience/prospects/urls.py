from django.urls import URLPattern, path  # noqa: F401

app_name = "prospects"

urlpatterns: list[URLPattern] = []
