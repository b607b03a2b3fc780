"""The subject's commitment pages, mounted at /account/commitments/."""

from django.urls import path

from xinyong.commitments import views_account as views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("sign/", views.commitment_sign, name="sign"),
    path("<slug:public_id>/", views.commitment_detail, name="detail"),
]
