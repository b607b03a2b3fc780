"""Back-office tip-off pages, mounted at /office/tipoffs/."""

from django.urls import path

from xinyong.tipoffs import views_office as views

app_name = "office_tipoffs"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/route/", views.route, name="route"),
    path("<slug:public_id>/reveal/", views.reveal, name="reveal"),
    path("<slug:public_id>/notes/", views.note, name="note"),
    path("<slug:public_id>/close/", views.close, name="close"),
    path("<slug:public_id>/reward/", views.reward, name="reward"),
    path("<slug:public_id>/attachments/<int:position>/", views.attachment, name="attachment"),
]
