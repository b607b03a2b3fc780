from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "xinyong.checks"
    verbose_name = _("联合奖惩核查")
