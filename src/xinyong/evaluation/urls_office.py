"""Back-office evaluation pages, mounted at /office/evaluation/."""

from django.urls import path

from xinyong.evaluation import views_office as views

app_name = "office_evaluation"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<slug:public_id>/", views.detail, name="detail"),
]
