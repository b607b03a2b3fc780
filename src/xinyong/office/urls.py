from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from xinyong.office import views

app_name = "office"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="office:submissions"), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="office/login.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("office:submissions"),
        ),
        name="login",
    ),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("office:login")),
        name="logout",
    ),
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/new/", views.submission_new, name="submission_new"),
    path("submissions/<str:public_id>/", views.submission_detail, name="submission"),
    path("submissions/<str:public_id>/status/", views.submission_status, name="submission_status"),
    path("submissions/<str:public_id>/errors/", views.submission_errors, name="submission_errors"),
]
