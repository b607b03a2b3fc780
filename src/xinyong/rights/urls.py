from django.urls import path

from xinyong.rights import views

app_name = "account"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/<slug:challenge_id>/", views.verify, name="verify"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("records/<int:record_id>/", views.record_detail, name="record"),
    path("checks/", views.checks, name="checks"),
    path("access/", views.access, name="access"),
    path("access.csv", views.access_csv, name="access_csv"),
    path("members/", views.members, name="members"),
]
