"""Public tip-off pages, mounted at /tipoffs/."""

from django.urls import path

from xinyong.tipoffs import views_public as views

app_name = "tipoffs"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("status/", views.status, name="status"),
]
