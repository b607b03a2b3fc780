from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xinyong.reports"
    verbose_name = _("信用报告")

    def ready(self) -> None:
        from xinyong.reports.services.revocation import register_handlers

        register_handlers()
