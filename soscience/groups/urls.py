from django.urls import path

from soscience.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/leave/", views.member_leave, name="leave"),
    path("<int:pk>/expertise/", views.member_expertise, name="expertise"),
    path("<int:pk>/posts/", views.post_add, name="post_add"),
    path("<int:pk>/files/", views.file_share, name="file_share"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
]
