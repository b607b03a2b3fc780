"""The public financing page, mounted at /financing/."""

from django.urls import path

from xinyong.financing import views_public as views

app_name = "financing_public"
urlpatterns = [
    path("", views.overview, name="overview"),
]
