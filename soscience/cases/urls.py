from django.urls import URLPattern, path

from soscience.cases import views

app_name = "cases"

# "manage" is reserved: services.RESERVED_SLUGS keeps a case from taking it as its slug.
urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="list"),
    path("manage/", views.case_manage, name="manage"),
    path("from-mission/<int:pk>/", views.case_create, name="create"),
    path("from-mission/<int:pk>/new-order/", views.order_reuse, name="reuse"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/publish/", views.case_publish, name="publish"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/files/<int:pk>/", views.case_file, name="file"),
]
