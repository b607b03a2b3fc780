"""Back-office commitment pages, mounted at /office/commitments/."""

from django.urls import path

from xinyong.commitments import views_office as views

app_name = "office_commitments"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("register/", views.register, name="register"),
    path("stats/", views.statistics, name="statistics"),
    path("<slug:public_id>/", views.detail, name="detail"),
    path("<slug:public_id>/<slug:step>/", views.step, name="step"),
]
