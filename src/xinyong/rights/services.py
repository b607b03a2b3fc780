"""Subject accounts: signing in with a one-time code, staff of an enterprise, the inbox.

Signing in never tells a stranger anything: whatever identifier is typed, the answer is
"a code was sent to the registered contact", and a code for a subject that holds nothing, or
for a mobile number that is no staff member's, simply never verifies. A person whose ID the
platform holds nothing about is told so only after the verification step.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.crypto import blind_index, decrypt, encrypt
from xinyong.core.identifiers import IdKind, check
from xinyong.core.privacy import mask_person_name
from xinyong.rights.models import Challenge, MemberRole, Notification, SubjectMember
from xinyong.rights.verification import SHOWN_CODE_CONTEXT, verifier
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services.lookup import find_subject
from xinyong.subjects.services.parsing import citizen_hash

CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CHALLENGES = 5
"""One-time codes one identity may ask for within `CODE_TTL` (the address is rate-limited
separately, in the view)."""
ORGANISATION, PERSON = "organisation", "person"
MOBILE_CONTEXT = "rights.member.mobile"
NAME_CONTEXT = "rights.member.name"


class AccountError(Exception):
    """A refused account step: `code` is stable, the message is Chinese and safe to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SignedIn:
    """The outcome of a verified code: the member who may act, or none when the platform
    holds nothing about the verified person."""

    member: SubjectMember | None


def _code_digest(challenge_id: str, code: str) -> str:
    return blind_index(f"{challenge_id}:{code}", context="rights.challenge")


def _mobile(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) != 11 or not digits.startswith("1"):
        raise AccountError("account.mobile", _("手机号码应为11位数字"))
    return digits


def _identity(kind: str, identifier: str) -> tuple[str, Subject | None]:
    """The keyed hash the challenge is filed under, and the subject if the platform has it."""
    if kind == ORGANISATION:
        verdict = check(identifier, IdKind.USCC)
        if not verdict.valid:
            raise AccountError("account.uscc", _("请输入有效的统一社会信用代码"))
        subject = find_subject(verdict.normalised)
        if subject is not None and subject.kind == SubjectKind.NATURAL_PERSON:
            subject = None
        return blind_index(verdict.normalised, context="rights.identity"), subject
    if kind == PERSON:
        verdict = check(identifier, IdKind.CITIZEN_ID)
        if not verdict.valid:
            raise AccountError("account.citizen_id", _("请输入有效的公民身份号码"))
        digest = citizen_hash(verdict.normalised)
        person = Subject.objects.filter(
            citizen_id_hash=digest, kind=SubjectKind.NATURAL_PERSON
        ).first()
        return digest, person
    raise AccountError("account.kind", _("请选择主体类型"))


def start_sign_in(kind: str, identifier: str, *, mobile: str = "") -> Challenge:
    """Send a one-time code for signing in as the subject `identifier` names (an enterprise's
    staff member also gives the mobile number the enterprise registered for them)."""
    identity, subject = _identity(kind, identifier)
    number = _mobile(mobile) if mobile.strip() else ""
    if number and kind != ORGANISATION:
        raise AccountError("account.mobile_for_person", _("自然人无需填写经办人手机号码"))
    now = timezone.now()
    recent = Challenge.objects.filter(identity_index=identity, created_at__gte=now - CODE_TTL)
    if recent.count() >= MAX_CHALLENGES:
        raise AccountError("account.too_many_codes", _("验证码请求过于频繁，请十分钟后再试"))
    member = None
    if subject is not None and number:
        member = SubjectMember.objects.filter(
            subject=subject,
            role=MemberRole.STAFF,
            is_active=True,
            mobile_index=blind_index(number, context=MOBILE_CONTEXT),
        ).first()
    chosen = verifier()
    challenge = Challenge(
        identity_index=identity,
        subject=subject,
        member=member,
        for_staff=bool(number),
        verifier=chosen.name,
        expires_at=now + CODE_TTL,
    )
    code = f"{secrets.randbelow(10**6):06d}"
    challenge.code_digest = _code_digest(challenge.public_id, code)
    # Staff who are not on the enterprise's list get nothing delivered; the answer is the same.
    if not (number and member is None):
        chosen.deliver(challenge, code, mobile=number)
    challenge.save()
    return challenge


def pending_challenge(public_id: str) -> Challenge | None:
    """A challenge still open for a code (not used, not expired, attempts left)."""
    return (
        Challenge.objects.filter(
            public_id=public_id,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MAX_ATTEMPTS,
        )
        .select_related("subject", "member")
        .first()
    )


def verify_sign_in(challenge_id: str, code: str) -> SignedIn:
    """Check a one-time code; on success the challenge is spent and the acting member
    returned (the subject's own member is created on its first sign-in)."""
    with transaction.atomic():
        challenge = (
            Challenge.objects.select_for_update()
            .filter(public_id=challenge_id, used_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if challenge is None or challenge.expires_at <= now or challenge.attempts >= MAX_ATTEMPTS:
            raise AccountError("account.code_expired", _("验证码已失效，请重新获取"))
        challenge.attempts += 1
        expected = _code_digest(challenge.public_id, code.strip())
        wrong = not hmac.compare_digest(expected, challenge.code_digest)
        if wrong:
            # Saved and committed before refusing: raising inside the block would roll the
            # count back and leave the code open to guessing.
            challenge.save(update_fields=["attempts"])
            outcome = None
        else:
            outcome = _spend(challenge, now)
    if outcome is None:
        left = MAX_ATTEMPTS - challenge.attempts
        raise AccountError("account.code_wrong", _("验证码不正确，还可尝试 %d 次") % left)
    return outcome


def _spend(challenge: Challenge, now: datetime.datetime) -> SignedIn:
    """Spend a verified challenge (inside the caller's transaction, which holds its lock)."""
    challenge.used_at = now
    challenge.save(update_fields=["attempts", "used_at"])
    if challenge.subject is None:
        return SignedIn(None)
    member = challenge.member
    if member is None and not challenge.for_staff:
        member, _created = SubjectMember.objects.get_or_create(
            subject=challenge.subject, role=MemberRole.OWNER
        )
    if member is None or not member.is_active:
        raise AccountError("account.code_wrong", _("验证码不正确"))
    member.last_signed_in_at = now
    member.save(update_fields=["last_signed_in_at"])
    audit.record("account.sign_in", "subject_member", member.public_id, purpose=member.role)
    return SignedIn(member)


def shown_code(challenge: Challenge) -> str:
    """The code the demo verifier kept for an operator to read out."""
    if not challenge.shown_code_encrypted:
        return ""
    return decrypt(challenge.shown_code_encrypted, context=SHOWN_CODE_CONTEXT)


def codes_for_operators(limit: int = 50) -> list[Challenge]:
    """Open challenges whose codes an operator may read out (demo verifier only)."""
    return list(
        Challenge.objects.filter(
            used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=MAX_ATTEMPTS
        )
        .exclude(shown_code_encrypted="")
        .select_related("subject", "member")
        .order_by("-created_at")[:limit]
    )


# -- staff of an enterprise ----------------------------------------------------------------------


def _require_owner(member: SubjectMember) -> None:
    if member.role != MemberRole.OWNER or member.subject.kind == SubjectKind.NATURAL_PERSON:
        raise AccountError("account.not_owner", _("只有企业本身可以管理经办人"))


def add_staff(owner: SubjectMember, *, name: str, mobile: str) -> SubjectMember:
    """Add a staff member who may act for the enterprise (signs in with its mobile)."""
    _require_owner(owner)
    clean = " ".join(name.split())
    if not 2 <= len(clean) <= 30:
        raise AccountError("account.name", _("请填写经办人姓名（2至30个字）"))
    number = _mobile(mobile)
    index = blind_index(number, context=MOBILE_CONTEXT)
    if SubjectMember.objects.filter(subject=owner.subject, mobile_index=index).exists():
        raise AccountError("account.mobile_taken", _("该手机号码已登记为经办人"))
    with transaction.atomic():
        member = SubjectMember.objects.create(
            subject=owner.subject,
            role=MemberRole.STAFF,
            name_encrypted=encrypt(clean, context=NAME_CONTEXT),
            mobile_encrypted=encrypt(number, context=MOBILE_CONTEXT),
            mobile_index=index,
            mobile_masked=f"{number[:3]}****{number[-4:]}",
            added_by=owner,
        )
        audit.record(
            "account.staff_add",
            "subject_member",
            member.public_id,
            after={"name": mask_person_name(clean), "mobile": member.mobile_masked},
        )
    return member


def deactivate_staff(owner: SubjectMember, member_id: str) -> SubjectMember:
    """Stop a staff member from acting for the enterprise, at once."""
    _require_owner(owner)
    with transaction.atomic():
        member = (
            SubjectMember.objects.select_for_update()
            .filter(subject=owner.subject, role=MemberRole.STAFF, public_id=member_id)
            .first()
        )
        if member is None:
            raise AccountError("account.no_member", _("找不到该经办人"))
        if member.is_active:
            member.is_active, member.deactivated_at = False, timezone.now()
            member.save(update_fields=["is_active", "deactivated_at"])
            audit.record("account.staff_deactivate", "subject_member", member.public_id)
    return member


def staff_of(owner: SubjectMember) -> list[SubjectMember]:
    return list(
        SubjectMember.objects.filter(subject=owner.subject, role=MemberRole.STAFF).order_by(
            "-is_active", "created_at"
        )
    )


# -- the inbox -----------------------------------------------------------------------------------


def notify(subject: Subject, *, title: str, body: str = "", link: str = "") -> Notification:
    """Put a message in the subject's inbox (a decision, a reply, a deadline)."""
    return Notification.objects.create(
        subject=subject, title=title[:200], body=body, link=link[:300]
    )


def inbox(subject: Subject, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(subject=subject)[:limit])


def mark_read(subject: Subject) -> int:
    return Notification.objects.filter(subject=subject, read_at__isnull=True).update(
        read_at=timezone.now()
    )
