from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "xinyong.financing"
    verbose_name = _("银企融资对接")

    def ready(self) -> None:
        from xinyong.financing.permissions import register_rules

        register_rules()
