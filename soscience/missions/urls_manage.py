"""The team's and the organisation's working pages for mission orders."""

from django.urls import URLPattern, path

from soscience.missions.views import manage

urlpatterns: list[URLPattern] = [
    path("orders/", manage.order_list, name="list"),
    path("new/from-need/<int:need_pk>/", manage.order_create, name="create"),
    path("<int:pk>/manage/", manage.order_manage, name="manage"),
    path("<int:pk>/edit/", manage.order_edit, name="edit"),
    path("<int:pk>/submit/", manage.order_submit, name="submit"),
    path("<int:pk>/versions/<int:number>/", manage.order_version, name="version"),
    path("<int:pk>/approve/", manage.order_approve, name="approve"),
    path("<int:pk>/request-changes/", manage.order_request_changes, name="request_changes"),
    path("<int:pk>/publish/", manage.order_publish, name="publish"),
    path("<int:pk>/unpublish/", manage.order_unpublish, name="unpublish"),
]
