from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "xinyong.commitments"
    verbose_name = _("信用承诺")

    def ready(self) -> None:
        from xinyong.commitments.permissions import register_rules

        register_rules()
