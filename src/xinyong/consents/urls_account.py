"""The subject's consent pages, mounted at /account/consents/."""

from django.urls import path

from xinyong.consents import views_account as views

app_name = "consents"
urlpatterns = [
    path("", views.consent_list, name="list"),
    path("new/", views.consent_new, name="new"),
    path("<slug:public_id>/revoke/", views.consent_revoke, name="revoke"),
]
