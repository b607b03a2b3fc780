"""Back-office report pages, mounted at /office/reports/."""

from django.urls import path

from xinyong.reports import views_office as views

app_name = "office_reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("issue/", views.issue, name="issue"),
    path("batches/new/", views.batch_new, name="submit"),
    path("batches/<str:batch_id>/", views.batch_detail, name="detail"),
    path("batches/<str:batch_id>/status/", views.batch_status, name="status"),
    path("batches/<str:batch_id>/zip/", views.batch_zip, name="download"),
]
