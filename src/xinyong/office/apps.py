from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "xinyong.office"
    verbose_name = _("业务后台")
