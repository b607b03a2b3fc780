from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "xinyong.rights"
    verbose_name = _("主体权益")
