from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "xinyong.records"
    verbose_name = _("信用记录")

    def ready(self) -> None:
        from xinyong.records.events import register_logging_handlers
        from xinyong.records.permissions import register_rules

        register_rules()
        register_logging_handlers()
