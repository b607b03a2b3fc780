"""Classified supervision pages, mounted at /office/supervision/."""

from django.urls import path

from xinyong.evaluation import views_supervision as views

app_name = "office_supervision"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("subjects/", views.subjects, name="subjects"),
]
