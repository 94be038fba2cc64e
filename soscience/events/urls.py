from django.urls import URLPattern, path

from soscience.events import views, views_manage

app_name = "events"

# Fixed paths come before <slug>; services.RESERVED_SLUGS keeps an event from taking them.
urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="list"),
    path("past/", views.event_past, name="past"),
    path("feed.ics", views.event_feed, name="feed"),
    path("confirm/<str:token>/", views.visitor_confirm, name="confirm"),
    path("registration/<str:token>/cancel/", views.visitor_cancel, name="visitor_cancel"),
    path("manage/", views_manage.event_manage, name="manage"),
    path("manage/new/", views_manage.event_create, name="create"),
    path("manage/<int:pk>/", views_manage.event_registrations, name="registrations"),
    path("manage/<int:pk>/edit/", views_manage.event_edit, name="edit"),
    path("manage/<int:pk>/publish/", views_manage.event_publish, name="publish"),
    path("manage/<int:pk>/cancel/", views_manage.event_cancel, name="cancel"),
    path("manage/<int:pk>/attendance/", views_manage.event_attendance, name="attendance"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
    path("<slug:slug>/register/", views.event_register, name="register"),
    path("<slug:slug>/unregister/", views.event_unregister, name="unregister"),
]
