"""The back office's repair pages, mounted at /office/repairs/ (namespace `office_repairs`)."""

from django.urls import path

from xinyong.repairs import views_office as views

app_name = "office_repairs"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/decision.pdf", views.decision, name="decision"),
    path("<str:public_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<str:public_id>/<str:step>/", views.step, name="step"),
]
