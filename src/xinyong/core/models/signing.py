"""The platform's published signing keys: public halves and their validity, never a private key."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A public key the platform has signed with, kept for as long as its envelopes matter.

    The key that signs new envelopes has no `valid_until`; a rotation sets it on the old key
    (a minute ahead, so processes still holding it finish cleanly) and the old key stays
    listed at /api/v1/keys, so everything it signed in its period still verifies.
    """

    key_id = models.CharField(_("密钥编号"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=16, default="Ed25519")
    public_key = models.CharField(_("公钥（base64url）"), max_length=64)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名公钥")
        verbose_name_plural = _("签名公钥")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["algorithm"],
                condition=Q(valid_until__isnull=True),
                name="one_current_signing_key",
                violation_error_message=_("同一算法只能有一把正在使用的签名密钥"),
            )
        ]

    def __str__(self) -> str:
        return self.key_id

    def usable_at(self, moment: datetime) -> bool:
        """Whether an envelope may be signed with this key at `moment`."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)
