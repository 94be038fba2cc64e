from django.urls import path

from soscience.organisations import views

app_name = "organisations"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/proof/", views.proof, name="proof"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
]
