"""The public registry of credit service agencies, mounted at /agencies/."""

from django.urls import path

from xinyong.agencies import views_public as views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_registry, name="list"),
]
