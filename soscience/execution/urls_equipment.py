from django.urls import path

from soscience.execution import views_equipment as views

app_name = "equipment"

urlpatterns = [
    path("missions/<int:pk>/equipment/", views.equipment_list, name="list"),
    path("missions/<int:pk>/equipment/request/", views.request_create, name="request_create"),
    path("equipment/<int:pk>/decide/", views.request_decide, name="decide"),
    path("equipment/<int:pk>/ordered/", views.request_ordered, name="ordered"),
    path("equipment/<int:pk>/received/", views.request_received, name="received"),
    path("equipment/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("missions/<int:pk>/hours/", views.hours, name="hours"),
    path("missions/<int:pk>/hours/log/", views.hours_log, name="hours_log"),
    path("missions/<int:pk>/hours/validate/", views.hours_validate, name="hours_validate"),
    path("hours/<int:pk>/edit/", views.hours_edit, name="hours_edit"),
    path("hours/<int:pk>/delete/", views.hours_delete, name="hours_delete"),
    path("hours/<int:pk>/unvalidate/", views.hours_unvalidate, name="hours_unvalidate"),
    path("missions/<int:pk>/loans/", views.loan_create, name="loan_create"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
]
