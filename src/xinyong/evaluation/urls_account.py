"""The subject's evaluation page, mounted at /account/evaluation/."""

from django.urls import path

from xinyong.evaluation import views_account as views

app_name = "evaluation"
urlpatterns = [
    path("", views.evaluation, name="account"),
]
