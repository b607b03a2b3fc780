"""The subject's repair pages, mounted at /account/repairs/ (namespace `repairs`)."""

from django.urls import path

from xinyong.repairs import views_account as views

app_name = "repairs"
urlpatterns = [
    path("", views.repair_list, name="list"),
    path("apply/<int:record_id>/", views.apply, name="apply"),
    path("notices/<int:record_id>.pdf", views.notice, name="notice"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<str:public_id>/decision.pdf", views.decision, name="decision"),
    path("<str:public_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
