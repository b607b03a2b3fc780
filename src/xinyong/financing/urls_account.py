"""The subject's financing pages, mounted at /account/financing/."""

from django.urls import path

from xinyong.financing import views_account as views

app_name = "financing"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<slug:public_id>/", views.request_detail, name="detail"),
    path("<slug:public_id>/withdraw/", views.request_withdraw, name="withdraw"),
]
