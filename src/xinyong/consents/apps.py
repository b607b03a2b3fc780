from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "xinyong.consents"
    verbose_name = _("授权查询")

    def ready(self) -> None:
        from xinyong.consents.permissions import register_rules

        register_rules()
