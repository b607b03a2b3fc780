from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "xinyong.evaluation"
    verbose_name = _("信用评价")

    def ready(self) -> None:
        from xinyong.evaluation.services.stale import register_handlers

        register_handlers()
