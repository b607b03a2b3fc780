"""The portal's public report download, mounted at /reports/."""

from django.urls import path

from xinyong.reports import views_portal as views

app_name = "reports_portal"
urlpatterns = [
    path("public/<str:public_id>/", views.public_report, name="public"),
]
