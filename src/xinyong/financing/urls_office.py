"""Back-office financing pages, mounted at /office/financing/."""

from django.urls import path

from xinyong.financing import views_office as views

app_name = "office_financing"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/profile/", views.profile, name="profile"),
    path("<slug:public_id>/decide/", views.decide, name="decide"),
]
