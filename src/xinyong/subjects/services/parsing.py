"""From what a record carries to checked identifiers: the first, database-free step of linking.

Every identifier is normalised and validated by `xinyong.core.identifiers.check`. A citizen
ID number is hashed, encrypted and masked here and its clear form dropped, so nothing after
this step can store or log it. Tax registration numbers are classified: the post-2015 ones
are USCCs, the old organisation ones are a region code plus an organisation code (which then
links like any organisation code), and those built on an owner's citizen ID are kept only as
a keyed hash.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _

from xinyong.core.crypto import blind_index, encrypt
from xinyong.core.identifiers import IdKind, check, normalise, org_code_of_uscc
from xinyong.core.privacy import mask_id_number, mask_in_text
from xinyong.subjects.models import (
    CITIZEN_ID_CONTEXT,
    TAX_REG_CONTEXT,
    Scheme,
    SubjectKind,
)

PRIORITY = (
    Scheme.USCC,
    Scheme.ORG_CODE,
    Scheme.BUSINESS_REG,
    Scheme.TAX_REG,
    Scheme.TAX_REG_HASH,
    Scheme.INSTITUTION_CERT,
    Scheme.SOCIAL_ORG_CERT,
    Scheme.CITIZEN_ID_HASH,
)
"""The order in which identifiers are tried and reported: USCC first, the ID hash last."""

CREATING = frozenset({Scheme.USCC, Scheme.ORG_CODE, Scheme.BUSINESS_REG, Scheme.CITIZEN_ID_HASH})
"""Identifiers strong enough to create a subject: national codes with a check character.

Certificate numbers have no check and local formats, and a tax number only creates through
the organisation code inside it: a typo in any of them must not give birth to a subject.
"""

MAX_NAME = 200
MAX_CERT = 64
_HALF_TO_FULL_PARENS = str.maketrans({"(": "（", ")": "）"})
_SPACE_BY_CJK = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")


@dataclass(frozen=True)
class SubjectIdentifiers:
    """Whatever identifiers one record carries; blank or None means absent."""

    uscc: str | None = None
    org_code: str | None = None
    business_reg: str | None = None
    tax_reg: str | None = None
    institution_cert: str | None = None
    social_org_cert: str | None = None
    citizen_id: str | None = None

    def __repr__(self) -> str:
        # Requests end up in logs and test reports: a citizen ID, or a tax number built on
        # one, only masked.
        shown = {
            f.name: mask_id_number(value) if f.name in _PERSONAL_FIELDS else value
            for f in fields(self)
            if (value := getattr(self, f.name))
        }
        inner = ", ".join(f"{name}={value!r}" for name, value in shown.items())
        return f"SubjectIdentifiers({inner})"


_PERSONAL_FIELDS = frozenset({"citizen_id", "tax_reg"})


@dataclass(frozen=True)
class Rejection:
    """One input field that cannot be used, with a stable reason code and a Chinese message."""

    field: str
    reason: str
    message: str


@dataclass(frozen=True)
class Ident:
    """A checked identifier: `value` is what is stored (an HMAC for hashed schemes), `shown`
    what may be displayed, `origin` the input field it came from."""

    scheme: Scheme
    value: str
    shown: str
    origin: str

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.scheme), self.value)


@dataclass(frozen=True)
class Citizen:
    """A citizen ID after parsing: encrypted, hashed and masked, never in clear."""

    encrypted: str
    hash: str
    masked: str


@dataclass
class Parsed:
    """The usable form of one link request."""

    idents: list[Ident]
    rejected: list[Rejection]
    name: str
    kind: SubjectKind
    uscc: str = ""
    citizen: Citizen | None = None
    district_codes: tuple[str, ...] = ()


def clean_name(raw: str | None) -> str:
    """One spelling per name: half-width letters and digits, full-width brackets, single
    spaces and none next to a Chinese character, so that "某某 (天津)" and "某某（天津）" are not
    taken for a rename."""
    folded = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    return _SPACE_BY_CJK.sub("", folded.translate(_HALF_TO_FULL_PARENS))


def citizen_hash(normalised: str) -> str:
    """The lookup hash of a normalised (18-character) citizen ID."""
    return blind_index(normalised, context=CITIZEN_ID_CONTEXT)


def kind_of_uscc(uscc: str) -> SubjectKind | None:
    """What the code itself says about the subject (GB 32100 positions 1–2), when decisive."""
    return {"11": SubjectKind.GOVERNMENT_ORGAN, "92": SubjectKind.INDIVIDUAL_BUSINESS}.get(uscc[:2])


def classify_tax_reg(code: str) -> tuple[str, Ident | None, str]:
    """Read a normalised tax registration number.

    Returns (uscc, ident, embedded org code): a USCC when the number is one (and then no
    ident), otherwise the tax identifier to store and the organisation code it embeds, if
    any. Raises ValueError for a number of no known shape. A number that holds a citizen ID
    is recognised before the region + organisation-code shape: mistaking a person's number
    for an organisation's would store it in clear.
    """
    if len(code) == 18 and check(code, IdKind.USCC).valid:
        return code, None, ""
    personal = (len(code) == 15 and check(code, IdKind.CITIZEN_ID).valid) or (
        len(code) in (18, 20) and code[18:].isdigit() and check(code[:18], IdKind.CITIZEN_ID).valid
    )
    if personal:
        hashed = blind_index(code, context=TAX_REG_CONTEXT)
        return "", Ident(Scheme.TAX_REG_HASH, hashed, mask_id_number(code), "tax_reg"), ""
    if len(code) == 15 and code[:6].isdigit() and check(code[6:], IdKind.ORG_CODE).valid:
        return "", Ident(Scheme.TAX_REG, code, code, "tax_reg"), code[6:]
    raise ValueError(code)


class _Parser:
    """Accumulates idents and rejections for one request."""

    def __init__(self) -> None:
        self.idents: dict[tuple[str, str], Ident] = {}
        self.rejected: list[Rejection] = []

    def add(self, ident: Ident) -> None:
        self.idents.setdefault(ident.key, ident)

    def reject(self, field_name: str, reason: str, message: str) -> None:
        self.rejected.append(Rejection(field_name, reason, mask_in_text(message)))

    def checked(self, field_name: str, raw: str | None, kind: IdKind) -> str:
        """The normalised code, or "" (absent, or rejected and recorded)."""
        if not raw or not normalise(raw):
            return ""
        result = check(raw, kind)
        if not result.valid:
            self.reject(field_name, result.reason, result.message)
            return ""
        return result.normalised


def embedded_org_code(uscc: str) -> str:
    """The organisation code inside a USCC, when it is a valid one (irregular codes admitted
    by the allowlist may carry a broken one, which must not link anything)."""
    embedded = org_code_of_uscc(uscc)
    return embedded if check(embedded, IdKind.ORG_CODE).valid else ""


def _parse_org_side(p: _Parser, ids: SubjectIdentifiers) -> str:
    """Organisation identifiers; returns the USCC ("" when none)."""
    uscc = p.checked("uscc", ids.uscc, IdKind.USCC)
    uscc_origin = "uscc"
    org_codes: dict[str, str] = {}  # organisation code → field it came from
    tax_raw = normalise(ids.tax_reg or "")
    if tax_raw:
        try:
            tax_uscc, tax_ident, tax_org = classify_tax_reg(tax_raw)
        except ValueError:
            p.reject(
                "tax_reg",
                "tax_reg.format",
                _(
                    "税务登记号格式不符：应为统一社会信用代码、行政区划码加组织机构代码"
                    "（15 位），或以公民身份号码为基础的号码"
                ),
            )
        else:
            if tax_uscc and uscc and tax_uscc != uscc:
                p.reject("tax_reg", "tax_reg.mismatch", _("税务登记号与统一社会信用代码不一致"))
            if tax_uscc and not uscc:
                uscc, uscc_origin = tax_uscc, "tax_reg"
            if tax_ident is not None:
                p.add(tax_ident)
            if tax_org:
                org_codes[tax_org] = "tax_reg"
    if uscc:
        p.add(Ident(Scheme.USCC, uscc, uscc, uscc_origin))
        embedded = embedded_org_code(uscc)
        if embedded:
            org_codes.setdefault(embedded, uscc_origin)
    org_code = p.checked("org_code", ids.org_code, IdKind.ORG_CODE)
    if org_code:
        org_codes[org_code] = "org_code"
    if len(org_codes) > 1:
        p.reject(
            "org_code" if org_code else "tax_reg",
            "org_code.mismatch",
            _("组织机构代码、统一社会信用代码第 9–17 位和税务登记号后 9 位应当一致"),
        )
    for code, origin in org_codes.items():
        p.add(Ident(Scheme.ORG_CODE, code, code, origin))
    business_reg = p.checked("business_reg", ids.business_reg, IdKind.BUSINESS_REG)
    if business_reg:
        p.add(Ident(Scheme.BUSINESS_REG, business_reg, business_reg, "business_reg"))
    for field_name, scheme in (
        ("institution_cert", Scheme.INSTITUTION_CERT),
        ("social_org_cert", Scheme.SOCIAL_ORG_CERT),
    ):
        cert = normalise(getattr(ids, field_name) or "")
        if len(cert) > MAX_CERT:
            p.reject(field_name, "cert.length", _("证书号过长（最多 64 个字符）"))
        elif cert:
            p.add(Ident(scheme, cert, cert, field_name))
    return uscc


def _parse_citizen(p: _Parser, raw: str | None) -> Citizen | None:
    normalised = p.checked("citizen_id", raw, IdKind.CITIZEN_ID)
    if not normalised:
        return None
    citizen = Citizen(
        encrypted=encrypt(normalised, context=CITIZEN_ID_CONTEXT),
        hash=citizen_hash(normalised),
        masked=mask_id_number(normalised),
    )
    p.add(Ident(Scheme.CITIZEN_ID_HASH, citizen.hash, citizen.masked, "citizen_id"))
    return citizen


def parse(
    ids: SubjectIdentifiers, *, name: str, kind: SubjectKind | None, district_code: str | None
) -> Parsed:
    """Check everything a request carries; the result lists each unusable field."""
    p = _Parser()
    uscc = _parse_org_side(p, ids)
    citizen = _parse_citizen(p, ids.citizen_id)
    has_org = any(i.scheme != Scheme.CITIZEN_ID_HASH for i in p.idents.values())
    if kind == SubjectKind.NATURAL_PERSON and has_org:
        p.reject("kind", "kind.mismatch", _("自然人不能以机构代码标识"))
    if kind not in (None, SubjectKind.NATURAL_PERSON) and citizen is not None:
        p.reject(
            "citizen_id",
            "citizen_id.not_person",
            _("公民身份号码只标识自然人；个体工商户等请报送其统一社会信用代码或注册号"),
        )
    cleaned = clean_name(name)
    if not cleaned:
        p.reject("name", "name.missing", _("缺少主体名称"))
    elif len(cleaned) > MAX_NAME:
        p.reject("name", "name.length", _("主体名称过长（最多 200 个字符）"))
    district = normalise(district_code or "")
    if district and not (len(district) == 6 and district.isdigit()):
        p.reject("district_code", "district.format", _("行政区划代码应为 6 位数字"))
    if citizen is not None:
        kind = SubjectKind.NATURAL_PERSON
    else:
        kind = (kind_of_uscc(uscc) if uscc else None) or kind or SubjectKind.LEGAL_PERSON
    idents = sorted(p.idents.values(), key=lambda i: PRIORITY.index(i.scheme))
    return Parsed(
        idents=idents,
        rejected=p.rejected,
        name=cleaned,
        kind=kind,
        uscc=uscc,
        citizen=citizen,
        district_codes=tuple(c for c in (uscc[2:8], district) if c),
    )
