"""Back-office agency pages, mounted at /office/agencies/."""

from django.urls import path

from xinyong.agencies import views_office as views

app_name = "office_agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("new/", views.agency_new, name="new"),
    path("<slug:public_id>/", views.agency_detail, name="detail"),
    path("<slug:public_id>/change/", views.agency_change, name="change"),
    path("<slug:public_id>/cancel/", views.agency_cancel, name="cancel"),
]
