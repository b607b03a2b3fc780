"""The subject's own credit reports, mounted at /account/reports/."""

from django.urls import path

from xinyong.reports import views_account as views

app_name = "reports_account"
urlpatterns = [
    path("", views.reports, name="list"),
    path("<str:number>.pdf", views.download, name="download"),
]
