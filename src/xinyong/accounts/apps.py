from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinyong.accounts"
    verbose_name = _("机构与账户")

    def ready(self) -> None:
        from xinyong.accounts.permissions import register_rules

        register_rules()
