from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinyong.accounts"
    verbose_name = _("机构与账户")
