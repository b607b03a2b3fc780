"""Back-office objection pages, mounted at /office/objections/."""

from django.urls import path

from xinyong.objections import views_office as views

app_name = "office_objections"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("escalated/", views.escalated, name="escalated"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/answer/", views.answer, name="answer"),
    path("<slug:public_id>/reply.pdf", views.reply_pdf, name="reply_pdf"),
    path("<slug:public_id>/attachments/<int:position>/", views.attachment, name="attachment"),
]
