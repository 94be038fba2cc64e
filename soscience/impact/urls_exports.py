from django.urls import path, re_path

from soscience.impact import views_exports

app_name = "exports"

urlpatterns = [
    path("exports/", views_exports.index, name="index"),
    # <table>.<fmt>: both checked by the view (an unknown one is a 404 for coordinators).
    path("exports/<slug:table>.<slug:fmt>/", views_exports.table, name="table"),
    re_path(r"^report/(?P<year>[0-9]{4})\.pdf$", views_exports.report, name="report"),
]
