from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinyong.core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from xinyong.core.signing.keys import forget

        # A migration or a flush (between transactional tests) may drop the published keys
        # a process remembers having checked.
        post_migrate.connect(forget, sender=self, dispatch_uid="xinyong.signing.forget")
