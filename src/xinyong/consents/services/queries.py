"""Reading consents: a subject's own, those made to an organisation, the one a read relies
on (or why there is none), and the credit office's statistics.

Back-office reads go through `restrict()` (consents.permissions); a subject's reads are
filtered by its own subject, so another subject's consent is never found.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import CatalogItem
from xinyong.consents.models import Consent, ConsentState
from xinyong.consents.permissions import GRANTEE_KINDS, OVERSEEING_ROLES
from xinyong.consents.services.common import ConsentError
from xinyong.core.permissions import VIEW, Viewer
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess

_RELATED = ("subject", "organisation")


def active_q(today: datetime.date | None = None) -> Q:
    """Consents in force on `today`: not revoked, within their period."""
    day = today or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


def api_key(subject: Subject) -> str:
    """How an agency or bank names `subject` in the read API: an organisation's USCC, or
    the opaque public id (persons, and organisations without a USCC); never an ID number."""
    return subject.public_id if subject.is_person or not subject.uscc else subject.uscc


def consents_of(subject: Subject) -> list[Consent]:
    """The subject's consents, newest first (active, expired and revoked)."""
    return list(Consent.objects.filter(subject=subject).select_related(*_RELATED))


def consent_of(subject: Subject, public_id: str) -> Consent | None:
    """One of the subject's consents, or None (also for another subject's)."""
    found = Consent.objects.filter(subject=subject, public_id=public_id[:32])
    return found.select_related(*_RELATED).first()


def consents_for(organisation: Organisation) -> QuerySet[Consent]:
    """The consents made to `organisation`, newest first, with their subjects."""
    return Consent.objects.filter(organisation=organisation).select_related(*_RELATED)


def active_consent(
    subject: Subject,
    organisation: Organisation,
    *,
    reference: str | None = None,
    today: datetime.date | None = None,
) -> Consent | None:
    """The newest consent of `subject` to `organisation` in force on `today` (and made for
    `reference`, when given); None if there is none or the organisation may not read."""
    if organisation.kind not in GRANTEE_KINDS or not organisation.is_active:
        return None
    found = Consent.objects.filter(active_q(today), subject=subject, organisation=organisation)
    if reference is not None:
        found = found.filter(reference=reference)
    return found.select_related(*_RELATED).first()


def _refusal(consent: Consent, day: datetime.date) -> ConsentError | None:
    """Why a read under `consent` is refused on `day`, or None while it is in force."""
    state = consent.state(day)
    if state == ConsentState.REVOKED:
        return ConsentError(
            "consent.revoked",
            _("信用主体已撤回授权（授权书 %s），不能再查询") % consent.number,
        )
    if state == ConsentState.EXPIRED:
        return ConsentError(
            "consent.expired",
            _("授权（授权书 %(number)s）不在有效期内：%(start)s 至 %(end)s")
            % {
                "number": consent.number,
                "start": consent.valid_from.isoformat(),
                "end": consent.valid_until.isoformat(),
            },
        )
    return None


def require_reader(organisation: Organisation) -> None:
    """Refuse an organisation that may not read under any consent."""
    if organisation.kind not in GRANTEE_KINDS:
        raise ConsentError("consent.organisation_kind", _("授权查询只向信用服务机构和银行提供"))
    if not organisation.is_active:
        raise ConsentError("consent.organisation_inactive", _("本机构已停用，不能进行授权查询"))


def consent_for_read(
    subject: Subject | None,
    organisation: Organisation,
    *,
    consent_id: str = "",
    today: datetime.date | None = None,
) -> Consent:
    """The consent a read by `organisation` about `subject` relies on: the one named by
    `consent_id`, or else the newest in force. Refused with why not: `consent.none` (also for
    an unknown subject, so a key cannot be probed), `consent.revoked` or `consent.expired`
    (the state of the consent named, or of the pair's newest one)."""
    require_reader(organisation)
    day = today or timezone.localdate()
    none = ConsentError("consent.none", _("该信用主体没有授权本机构查询"))
    if subject is None:
        raise none
    pair = Consent.objects.filter(subject=subject, organisation=organisation)
    if consent_id:
        named = pair.filter(public_id=consent_id[:32]).select_related(*_RELATED).first()
        if named is None:
            raise none
        refusal = _refusal(named, day)
        if refusal is not None:
            raise refusal
        return named
    found = active_consent(subject, organisation, today=day)
    if found is not None:
        return found
    latest = pair.first()
    raise (_refusal(latest, day) if latest is not None else None) or none


def visible_to(viewer: Viewer) -> QuerySet[Consent]:
    """The consents `viewer` may see in the back office."""
    return Consent.objects.restrict(viewer, VIEW).select_related(*_RELATED)


def is_overseer(viewer: Viewer) -> bool:
    """Whether `viewer` watches every organisation's consents (the credit office)."""
    return viewer.organisation_kind == OrganisationKind.CREDIT_OFFICE.value and (
        viewer.is_superuser or bool(viewer.roles & OVERSEEING_ROLES)
    )


def is_grantee_staff(viewer: Viewer) -> bool:
    """Whether `viewer` acts for an agency or a bank (it sees the grants made to it)."""
    return viewer.organisation_id is not None and viewer.organisation_kind in GRANTEE_KINDS


def item_names(codes: Iterable[str]) -> dict[str, str]:
    """Catalogue item code → name, for showing a grant's items (one query)."""
    wanted = sorted(set(codes))
    return dict(CatalogItem.objects.filter(code__in=wanted).values_list("code", "name"))


@dataclass(frozen=True)
class GranteeStatistics:
    """One organisation's grants and the reads it made under them."""

    organisation: str
    kind: str
    granted: int
    active: int
    expired: int
    revoked: int
    subjects: int
    reads: int


def statistics(viewer: Viewer, *, today: datetime.date | None = None) -> list[GranteeStatistics]:
    """Grants by organisation (every one for the credit office, the viewer's own otherwise):
    how many, in which state, for how many subjects, and how many reads were served. Two
    queries."""
    day = today or timezone.localdate()
    revoked = Q(revoked_at__isnull=False)
    active = active_q(day)
    rows = (
        visible_to(viewer)
        .values("organisation_id", "organisation__name", "organisation__kind")
        .annotate(
            granted=Count("pk"),
            active=Count("pk", filter=active),
            revoked=Count("pk", filter=revoked),
            subjects=Count("subject_id", distinct=True),
        )
        .order_by("organisation__kind", "organisation__name")
    )
    found = list(rows)
    reads = dict(
        SubjectAccess.objects.filter(
            kind=AccessKind.AUTHORISED, organisation_id__in=[r["organisation_id"] for r in found]
        )
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    kinds = dict(OrganisationKind.choices)
    return [
        GranteeStatistics(
            organisation=row["organisation__name"],
            kind=str(kinds.get(row["organisation__kind"], "")),
            granted=row["granted"],
            active=row["active"],
            expired=row["granted"] - row["active"] - row["revoked"],
            revoked=row["revoked"],
            subjects=row["subjects"],
            reads=reads.get(row["organisation_id"], 0),
        )
        for row in found
    ]


def totals(rows: Iterable[GranteeStatistics]) -> GranteeStatistics:
    """The sum of the statistics rows (subjects summed per organisation)."""
    listed = list(rows)
    return GranteeStatistics(
        organisation=_("合计"),
        kind="",
        granted=sum(r.granted for r in listed),
        active=sum(r.active for r in listed),
        expired=sum(r.expired for r in listed),
        revoked=sum(r.revoked for r in listed),
        subjects=sum(r.subjects for r in listed),
        reads=sum(r.reads for r in listed),
    )
