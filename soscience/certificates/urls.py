from django.urls import path

from soscience.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("missions/<int:pk>/", views.mission, name="mission"),
    path("missions/<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/reissue/", views.reissue, name="reissue"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
