from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "xinyong.agencies"
    verbose_name = _("信用服务机构")

    def ready(self) -> None:
        from xinyong.agencies.permissions import register_rules

        register_rules()
