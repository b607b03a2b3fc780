from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "xinyong.lists"
    verbose_name = _("信用名单")

    def ready(self) -> None:
        from xinyong.lists.permissions import register_rules
        from xinyong.lists.services.landing import register_handlers

        register_rules()
        register_handlers()
