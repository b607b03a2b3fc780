"""Preparing the demo: policy, synthetic subjects and one account per role.

Everything here is idempotent so `make demo` can run again on the same `var/` and reuse
what it made. Demo passwords are random, kept in `var/demo-accounts.json` (mode 0600) and
printed at start, because a demo whose passwords are in the source is a demo that leaks.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xinyong.accounts.models import Organisation, OrganisationKind, Role, User
from xinyong.accounts.services import (
    authenticate_token,
    create_staff_user,
    create_token,
    set_password,
)
from xinyong.catalog.services import LoadReport, default_policy_dir, load_policy
from xinyong.records.amounts import amount_fields, follow_policy
from xinyong.records.public import PENALTIES, public_records
from xinyong.subjects.models import Subject
from xinyong.subjects.services import LinkRequest, classify, link_many
from xinyong.synth.generate import SUBJECTS_FILE, generate
from xinyong.synth.register import subject_classification, subject_identifiers, subject_kind

DEMO_SUBJECTS = 400
DEMO_SEED = 2026
LINK_BATCH = 500


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    organisation: str
    roles: tuple[str, ...]


# One account per role, each in the kind of organisation (and sector) that holds that role
# in practice: market regulation submits and reviews records, a district checks subjects.
_ACCOUNTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("demo_admin", OrganisationKind.CREDIT_OFFICE, "", (Role.ADMIN,)),
    ("demo_operator", OrganisationKind.CREDIT_OFFICE, "", (Role.OPERATOR,)),
    ("demo_auditor", OrganisationKind.CREDIT_OFFICE, "", (Role.AUDITOR,)),
    ("demo_submitter", OrganisationKind.DEPARTMENT, "market_regulation", (Role.SUBMITTER,)),
    ("demo_reviewer", OrganisationKind.DEPARTMENT, "market_regulation", (Role.REVIEWER,)),
    ("demo_tax_operator", OrganisationKind.DEPARTMENT, "tax", (Role.OPERATOR,)),
    ("demo_checker", OrganisationKind.DISTRICT, "", (Role.CHECKER,)),
)


def demo_dir() -> Path:
    path: Path = settings.XINYONG_VAR_DIR / "demo"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_tianjin_policy() -> LoadReport:
    """Load (or confirm unchanged) the packaged Tianjin policy; records of an item whose
    amount field it changed get their amounts again (as `xinyong policy load` does)."""
    before = amount_fields()
    report = load_policy(default_policy_dir())
    follow_policy(before)
    return report


def ensure_subjects(count: int = DEMO_SUBJECTS) -> int:
    """Generate the synthetic files once and link their subjects, with the industry and size
    a registration feed would give; return how many were made."""
    if Subject.objects.exists():
        return 0
    out = demo_dir() / "synth"
    generate(out, count, seed=DEMO_SEED)
    requests, classifications = [], []
    with (out / SUBJECTS_FILE).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            requests.append(
                LinkRequest(
                    identifiers=subject_identifiers(row),
                    name=row["name"],
                    source="demo:synth",
                    kind=subject_kind(row["kind"]),
                    district_code=row.get("district"),
                )
            )
            classifications.append(subject_classification(row))
    created = 0
    for start in range(0, len(requests), LINK_BATCH):
        results = link_many(requests[start : start + LINK_BATCH])
        created += sum(1 for result in results if result.created)
        found = zip(results, classifications[start : start + LINK_BATCH], strict=True)
        classify({r.subject.pk: c for r, c in found if r.subject is not None}, source="demo:synth")
    return created


def _credentials_file() -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "demo-accounts.json"


def kept_passwords() -> dict[str, str]:
    """The demo's generated passwords and tokens by account (a file only its owner reads)."""
    path = _credentials_file()
    if not path.exists():
        return {}
    kept: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return kept


def keep_passwords(passwords: dict[str, str]) -> None:
    """Write the demo's passwords and tokens back, readable by the owner only."""
    path = _credentials_file()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)


def ensure_accounts() -> list[DemoAccount]:
    """One staff account per role; existing ones are reused with their kept password."""
    passwords = kept_passwords()
    accounts = []
    for username, kind, sector, roles in _ACCOUNTS:
        candidates = Organisation.objects.filter(kind=kind, is_active=True).order_by("pk")
        organisation = candidates.filter(sector=sector).first() if sector else None
        organisation = organisation or candidates[0]
        user = User.objects.filter(username=username).first()
        if user is None or username not in passwords:
            passwords[username] = secrets.token_urlsafe(12)
            if user is None:
                create_staff_user(
                    organisation=organisation,
                    username=username,
                    roles=roles,
                    password=passwords[username],
                    is_staff=True,
                )
            else:
                set_password(user, passwords[username])
        accounts.append(DemoAccount(username, passwords[username], organisation.name, tuple(roles)))
    keep_passwords(passwords)
    return accounts


CHECKER_ENTRY = "api_token:demo_checker"
DEMO_TOKEN_SCOPES = ("lists:check", "subjects:read")


def ensure_check_token() -> str:
    """An API token of the demo checker's organisation (checks, subject reads), kept with the
    demo passwords so that it survives a restart; a new one if the kept one no longer works."""
    kept = kept_passwords()
    secret = kept.get(CHECKER_ENTRY, "")
    if secret and authenticate_token(secret) is not None:
        return secret
    organisation = (
        User.objects.select_related("organisation").get(username="demo_checker").organisation
    )
    assert organisation is not None  # every demo account belongs to an organisation
    issued = create_token(organisation=organisation, scopes=DEMO_TOKEN_SCOPES, name="demo")
    kept[CHECKER_ENTRY] = issued.secret
    keep_passwords(kept)
    return issued.secret


def account_example() -> Subject | None:
    """A demo company with a public penalty of the demo reviewer's department, to sign in to
    its account and object or apply for repair (the reviewer then answers in the office)."""
    reviewer = User.objects.select_related("organisation").get(username="demo_reviewer")
    penalised = public_records().filter(
        item__code=PENALTIES, organisation=reviewer.organisation, subject__uscc__gt=""
    )
    first = penalised.select_related("subject").order_by("subject__uscc").first()
    return first.subject if first is not None else None
