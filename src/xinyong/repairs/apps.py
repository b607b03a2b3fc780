from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "xinyong.repairs"
    verbose_name = _("信用修复")

    def ready(self) -> None:
        from xinyong.repairs.permissions import register_rules

        register_rules()
