"""Making a commitment: a subject signs one in its account, or an accepting unit registers
one signed on paper.

The text is always rendered here from the policy's template — never taken from a form —
and hashed as signed. Online, the subject first reads the text (`draft`) and signs it with
the hash of what it read, so a template changed in between is refused rather than signed
unseen. A public commitment is published (XYCN) in the same transaction as it is made; a
refusal anywhere leaves nothing behind.

A department names the subject by its USCC or, for a person, the ID number: the number is
looked up by its keyed hash, a subject the platform does not hold yet is created through the
subjects' linkage (encrypted, hashed, masked), and the number goes nowhere else.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.commitments.models import (
    Commitment,
    CommitmentState,
    EventKind,
    SigningChannel,
    new_public_id,
)
from xinyong.commitments.policy import ACCOUNT, OFFICE, CommitmentType
from xinyong.commitments.services.common import (
    MAX_LEGAL_REP,
    MAX_MATTER,
    MAX_REFERENCE,
    CommitmentError,
    accepting_organisations,
    acting_organisation,
    chinese_date,
    clean_text,
    commitment_type,
    subject_code,
    write_event,
)
from xinyong.commitments.services.publishing import (
    IN_PROGRESS,
    needs_legal_rep,
    publish,
    publishable,
)
from xinyong.core.context import acting_as, current_actor
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.core.permissions import Viewer
from xinyong.rights.models import SubjectMember
from xinyong.rights.services import notify
from xinyong.subjects.models import Subject
from xinyong.subjects.services import (
    SubjectIdentifiers,
    display_name,
    find_subject,
    link,
)
from xinyong.subjects.services.parsing import clean_name

LINK_SOURCE = "commitments"


@dataclass(frozen=True)
class Draft:
    """What a subject is asked to sign: the type, the accepting unit and the rendered text
    with its SHA-256 (sent back when it signs)."""

    type: CommitmentType
    organisation: Organisation
    matter: str
    text: str
    sha256: str


def render_text(
    ctype: CommitmentType,
    subject: Subject,
    organisation: Organisation,
    matter: str,
    signed_on: datetime.date,
) -> str:
    """The commitment's text from its template. A natural person's name appears masked:
    the text may be published."""
    return ctype.template.format(
        subject_name=display_name(subject),
        subject_code=subject_code(subject),
        matter=matter,
        department=organisation.name,
        signed_on=chinese_date(signed_on),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _accepting(organisation_id: int | None) -> Organisation:
    found = next((o for o in accepting_organisations() if o.pk == organisation_id), None)
    if found is None:
        raise CommitmentError("commitments.organisation", _("请选择承诺受理单位"))
    return found


def _legal_rep(subject: Subject, value: str) -> str:
    if not needs_legal_rep(subject.kind):
        return ""
    return clean_text(value, _("法定代表人（负责人）姓名"), max_length=MAX_LEGAL_REP)


def draft(
    member: SubjectMember, *, type_code: str, organisation_id: int | None, matter: str
) -> Draft:
    """The text `member`'s subject would sign today (nothing is written)."""
    if not member.is_active:
        raise CommitmentError("commitments.member_inactive", _("该账户成员已停用"))
    ctype = commitment_type(type_code, ACCOUNT)
    organisation = _accepting(organisation_id)
    matter_text = clean_text(matter, _("承诺事项"), max_length=MAX_MATTER)
    text = render_text(ctype, member.subject, organisation, matter_text, timezone.localdate())
    return Draft(ctype, organisation, matter_text, text, _digest(text))


@contextmanager
def as_member(member: SubjectMember) -> Iterator[None]:
    """Record the member (by public id) as the actor of a subject's own step."""
    with acting_as(replace(current_actor(), label=f"subject-member:{member.public_id}")):
        yield


def _make(commitment: Commitment, kind: str, organisation_id: int | None) -> Commitment:
    """Save a new commitment, publish it when public, write its first event (in the
    caller's transaction)."""
    publishable(commitment)
    commitment.save()
    if commitment.is_public:
        commitment.published_record = publish(commitment, IN_PROGRESS)
    details = {"text_sha256": commitment.text_sha256, "reference": commitment.reference}
    write_event(commitment, kind, commitment.signed_on, organisation_id, details, None)
    notify(
        commitment.subject,
        title=_("信用承诺已记录：%s") % commitment.number,
        body=_("%(title)s（%(type)s）已由 %(org)s 受理，请按承诺履行。")
        % {
            "title": commitment.title,
            "type": commitment.type_name,
            "org": commitment.organisation.name,
        },
        link=reverse("commitments:detail", args=[commitment.public_id]),
    )
    return commitment


def sign(
    member: SubjectMember,
    *,
    type_code: str,
    organisation_id: int | None,
    matter: str,
    reference: str = "",
    legal_rep: str = "",
    agreed: bool,
    text_sha256: str,
) -> Commitment:
    """Sign, for `member`'s subject, the commitment `draft` showed (its hash in
    `text_sha256`); `CommitmentError` if refused."""
    shown = draft(member, type_code=type_code, organisation_id=organisation_id, matter=matter)
    if not agreed:
        raise CommitmentError("commitments.not_agreed", _("请阅读承诺书并勾选同意后签署"))
    if text_sha256 != shown.sha256:
        raise CommitmentError("commitments.text_changed", _("承诺书内容已更新，请重新阅读后签署"))
    subject = member.subject
    now = timezone.now()
    commitment = Commitment(
        public_id=new_public_id(),
        subject=subject,
        type_code=shown.type.code,
        type_name=shown.type.catalog_value,
        title=shown.type.title,
        matter=shown.matter,
        reference=clean_text(
            reference, _("关联业务编号"), required=False, max_length=MAX_REFERENCE
        ),
        text=shown.text,
        text_sha256=shown.sha256,
        legal_rep=_legal_rep(subject, legal_rep),
        organisation=shown.organisation,
        channel=SigningChannel.ACCOUNT,
        signed_by=member,
        is_public=shown.type.public,
        signed_on=timezone.localdate(now),
        signed_at=now,
        state=CommitmentState.IN_FORCE,
    )
    with as_member(member), transaction.atomic():
        return _make(commitment, EventKind.SIGN, None)


def _named_subject(code: str, name: str) -> Subject:
    """The subject a department names by USCC or ID number (created through the linkage if
    the platform does not hold it yet). Messages never repeat the number."""
    normalised = normalise(code)
    given = clean_name(name)
    if not given:
        raise CommitmentError("commitments.name", _("请填写主体名称或姓名"))
    # A code that checks out as an ID number is one (decisions: a person's number taken for
    # an organisation's would be stored and shown in clear).
    is_person = check(normalised, IdKind.CITIZEN_ID).valid
    if not is_person and not check(normalised, IdKind.USCC).valid:
        raise CommitmentError("commitments.code", _("请填写有效的统一社会信用代码或公民身份号码"))
    found = find_subject(normalised)
    if found is not None:
        if clean_name(found.name) != given:
            raise CommitmentError(
                "commitments.name_mismatch",
                _("名称与平台登记的该主体名称（%s）不一致，请核对代码和名称") % display_name(found),
            )
        return found
    identifiers = (
        SubjectIdentifiers(citizen_id=normalised)
        if is_person
        else SubjectIdentifiers(uscc=normalised)
    )
    result = link(identifiers, name=given, source=LINK_SOURCE)
    if result.subject is None:
        reason = result.conflict.message if result.conflict else _("无法确定该主体")
        raise CommitmentError("commitments.subject", reason)
    return result.subject


def register(
    viewer: Viewer,
    *,
    code: str,
    name: str,
    type_code: str,
    matter: str,
    reference: str = "",
    legal_rep: str = "",
    signed_on: datetime.date | None = None,
    checked: bool,
) -> Commitment:
    """Register, as the viewer's unit (the accepting unit), a commitment the subject signed
    on paper; `checked` confirms the paper bears the subject's signature or seal."""
    organisation = acting_organisation(viewer)
    ctype = commitment_type(type_code, OFFICE)
    matter_text = clean_text(matter, _("承诺事项"), max_length=MAX_MATTER)
    ref = clean_text(reference, _("关联业务编号"), required=False, max_length=MAX_REFERENCE)
    day = signed_on or timezone.localdate()
    if day > timezone.localdate():
        raise CommitmentError("commitments.future_date", _("承诺日期不能晚于今天"))
    if not checked:
        raise CommitmentError("commitments.not_checked", _("请核对主体签章的纸质承诺书后勾选确认"))
    if viewer.user_id is None:
        raise CommitmentError("commitments.no_user", _("只有后台工作人员可以登记信用承诺"))
    with transaction.atomic():
        subject = _named_subject(code, name)
        text = render_text(ctype, subject, organisation, matter_text, day)
        commitment = Commitment(
            public_id=new_public_id(),
            subject=subject,
            type_code=ctype.code,
            type_name=ctype.catalog_value,
            title=ctype.title,
            matter=matter_text,
            reference=ref,
            text=text,
            text_sha256=_digest(text),
            legal_rep=_legal_rep(subject, legal_rep),
            organisation=organisation,
            channel=SigningChannel.OFFICE,
            registered_by_id=viewer.user_id,
            is_public=ctype.public,
            signed_on=day,
            signed_at=timezone.now(),
            state=CommitmentState.IN_FORCE,
        )
        return _make(commitment, EventKind.REGISTER, organisation.pk)
