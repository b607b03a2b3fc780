from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipOffsConfig(AppConfig):
    name = "xinyong.tipoffs"
    verbose_name = _("失信行为举报")

    def ready(self) -> None:
        from xinyong.tipoffs.permissions import register_rules

        register_rules()
