"""An authorised read (授权查询): the consented items' current records of the subject, and
the entry in the subject's access log that the read happened.

Which records an item shows: for a 社会公开 item, exactly what the public sees
(`records.public.public_q`); for a 授权查询 item, its current records — active, not
withdrawn, not repaired (a repair stops sharing with third parties too), not withheld while an
objection is open, and within their period. A consented item that is no longer grantable to
the subject (the catalogue changed it to 政务共享 or retired it) shows nothing. Values are
shaped and masked as on every public surface (`records.public.shown_record`).

The consent row is locked and its state checked in the transaction that serves the read and
writes the access-log entry and the audit entry: a revocation that committed before the read
started is always seen; one that arrives during the read waits for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import CatalogItem, Disclosure
from xinyong.consents.models import Consent
from xinyong.consents.services.common import (
    MAX_PURPOSE,
    MAX_REFERENCE,
    OBJECT_TYPE,
    ConsentError,
)
from xinyong.consents.services.granting import grantable_items
from xinyong.consents.services.queries import consent_for_read
from xinyong.core import audit
from xinyong.core.errors import checked_text
from xinyong.core.privacy import mask_in_text
from xinyong.records.models import Record, RecordState
from xinyong.records.public import (
    SHOWN_MARKS,
    ItemGroup,
    Profile,
    grouped,
    profile,
    public_q,
)
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess
from xinyong.subjects.services import access_entry, record_access


@dataclass(frozen=True)
class AuthorisedView:
    """What one authorised read served: under which consent, about whom, which records (by
    item, with each item's disclosure class), and the access-log entry it wrote."""

    consent: Consent
    profile: Profile
    groups: tuple[tuple[str, ItemGroup], ...]
    access: SubjectAccess

    @property
    def records_total(self) -> int:
        return sum(group.total for _disclosure, group in self.groups)


def legal_basis(consent: Consent) -> str:
    """The basis an authorised read cites in the subject's access log."""
    return _("信用主体授权（授权书 %s）") % consent.number


def _authorised_q(day: datetime.date) -> Q:
    """Current records of a 授权查询 item (see the module doc)."""
    return Q(
        Q(publication_ends__isnull=True) | Q(publication_ends__gte=day),
        state=RecordState.ACTIVE,
        repaired_on__isnull=True,
        objection_mark__in=SHOWN_MARKS,
    )


def _items(consent: Consent, subject: Subject, wanted: Sequence[str] | None) -> list[CatalogItem]:
    granted = set(consent.item_codes)
    if wanted is not None:
        outside = [code for code in dict.fromkeys(wanted) if code not in granted]
        if outside:
            raise ConsentError(
                "consent.item_not_granted",
                _("以下目录项不在授权范围内：%s") % "、".join(code[:32] for code in outside[:10]),
            )
        granted &= set(wanted)
    return [item for item in grantable_items(subject) if item.code in granted]


def _groups(
    subject: Subject, items: list[CatalogItem], day: datetime.date
) -> tuple[tuple[str, ItemGroup], ...]:
    """The items' records of `subject`, grouped like the public page. Two queries."""
    by_pk = {item.pk: item for item in items}
    public = [pk for pk, item in by_pk.items() if item.disclosure == Disclosure.PUBLIC]
    authorised = [pk for pk, item in by_pk.items() if item.disclosure == Disclosure.AUTHORISED]
    mine = Record.objects.filter(
        (Q(item_id__in=public) & public_q(today=day))
        | (Q(item_id__in=authorised) & _authorised_q(day)),
        subject=subject,
    )
    return tuple(grouped(subject, by_pk, mine))


def authorised_view(
    consent: Consent,
    *,
    purpose: str,
    reference: str = "",
    items: Sequence[str] | None = None,
    today: datetime.date | None = None,
) -> AuthorisedView:
    """Serve one read under `consent` by its organisation: the consented items' records
    (only `items` of them, when given — naming one outside the grant is refused), written to
    the subject's access log and the audit log in the same transaction. `ConsentError` when
    the consent is revoked or expired, the organisation may no longer read, or the purpose is
    missing; nothing is written then."""
    stated = checked_text(
        purpose, _("查询用途"), error=ConsentError, namespace="consent.purpose",
        max_length=MAX_PURPOSE,
    )  # fmt: skip
    ref = checked_text(
        reference, _("业务编号"), error=ConsentError, namespace="consent.reference",
        required=False, max_length=MAX_REFERENCE,
    )  # fmt: skip
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("subject", "organisation", "subject__district")
            .get(pk=consent.pk)
        )
        consent_for_read(
            locked.subject, locked.organisation, consent_id=locked.public_id, today=day
        )
        subject = locked.subject
        groups = _groups(subject, _items(locked, subject, items), day)
        access = record_access(
            access_entry(
                subject.pk,
                kind=AccessKind.AUTHORISED,
                organisation_id=locked.organisation_id,
                purpose=stated,
                legal_basis=legal_basis(locked),
                reference=ref,
            )
        )
        audit.record(
            "consent.read",
            OBJECT_TYPE,
            locked.public_id,
            after={
                "subject": subject.public_id,
                "records": {group.code: group.total for _d, group in groups if group.total},
                "reference": ref,
            },
            purpose=mask_in_text(stated),
            organisation_id=locked.organisation_id,
        )
    return AuthorisedView(consent=locked, profile=profile(subject), groups=groups, access=access)


def record_refusal(organisation_id: int, subject: Subject | None, error: ConsentError) -> None:
    """Audit a refused read: it writes nothing to the subject's access log (nothing was
    read), but the organisation's attempt is kept. The key asked for is not: it may be a
    mistyped ID number."""
    audit.record(
        "consent.read_refused",
        "subject",
        subject.public_id if subject is not None else "-",
        after={"code": error.code},
        organisation_id=organisation_id,
    )
