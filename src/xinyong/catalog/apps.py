from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "xinyong.catalog"
    verbose_name = _("信用信息目录")
