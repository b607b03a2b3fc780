"""Back-office consent pages, mounted at /office/consents/."""

from django.urls import path

from xinyong.consents import views_office as views

app_name = "office_consents"
urlpatterns = [
    path("", views.index, name="index"),
]
