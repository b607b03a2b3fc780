from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "xinyong.objections"
    verbose_name = _("异议处理")

    def ready(self) -> None:
        from xinyong.objections.permissions import register_rules

        register_rules()
