from django.urls import path

from soscience.closing import views

app_name = "closing"

urlpatterns = [
    path("missions/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("missions/<int:pk>/accept/", views.accept, name="accept"),
    path("missions/<int:pk>/ask-changes/", views.ask_changes, name="ask_changes"),
    path("missions/<int:pk>/close/", views.close, name="close"),
    path("missions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("missions/<int:pk>/survey/", views.org_survey, name="org_survey"),
    path("missions/<int:pk>/my-survey/", views.volunteer_survey, name="volunteer_survey"),
    path("missions/<int:pk>/closing-note/", views.closing_note, name="closing_note"),
]
