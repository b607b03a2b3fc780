from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from xinyong.office import (
    batch_views,
    check_views,
    list_views,
    sign_in_code_views,
    takedown_views,
    views,
)

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="office/login.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("office:home"),
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
    path("lists/", list_views.entry_list, name="lists"),
    path("lists/notice/", list_views.entry_notice, name="list_notice"),
    path("lists/direct/", list_views.entry_direct, name="list_direct"),
    path("lists/<str:public_id>/", list_views.entry_detail, name="list_entry"),
    path("lists/<str:public_id>/<str:step>/", list_views.entry_step, name="list_step"),
    path("checks/", check_views.check_queue, name="checks"),
    path("checks/new/", check_views.check_new, name="check_new"),
    path("checks/<str:check_id>/", check_views.check_detail, name="check"),
    path("checks/<str:check_id>/feedback/", check_views.check_feedback, name="check_feedback"),
    path("checks/<str:check_id>/receipt/", check_views.check_receipt, name="check_receipt"),
    path("batches/", batch_views.batch_list, name="batches"),
    path("batches/new/", batch_views.batch_new, name="batch_new"),
    path("batches/<str:batch_id>/", batch_views.batch_detail, name="batch"),
    path("batches/<str:batch_id>/status/", batch_views.batch_status, name="batch_status"),
    path("batches/<str:batch_id>/result/", batch_views.batch_result, name="batch_result"),
    path("batches/<str:batch_id>/receipt/", batch_views.batch_receipt, name="batch_receipt"),
    path("loop/", check_views.loop, name="loop"),
    path("takedowns/", takedown_views.takedown_report, name="takedowns"),
    path("sign-in-codes/", sign_in_code_views.sign_in_codes, name="sign_in_codes"),
]
