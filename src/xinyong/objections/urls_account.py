"""The subject's objection pages, mounted at /account/objections/."""

from django.urls import path

from xinyong.objections import views_account as views

app_name = "objections"
urlpatterns = [
    path("", views.objection_list, name="list"),
    path("new/<int:record_id>/", views.objection_new, name="new"),
    path("grade/<str:model_code>/", views.grade_objection_new, name="grade_new"),
    path("<slug:public_id>/", views.objection_detail, name="detail"),
    path("<slug:public_id>/reply.pdf", views.reply_pdf, name="reply_pdf"),
    path("<slug:public_id>/attachments/<int:position>/", views.attachment, name="attachment"),
]
