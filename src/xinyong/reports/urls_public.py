"""Public report verification, mounted at /verify/."""

from django.urls import path

from xinyong.reports import views_public as views

app_name = "reports"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:code>/", views.verify_code_page, name="verify_code"),
]
