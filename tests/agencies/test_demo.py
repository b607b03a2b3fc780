"""The agencies' demo data: three filings in each status, a bank, an account for each
grantee with its password kept, and nothing new on a second run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.records.test_public_fixtures import policy, var_dir
from xinyong.accounts.models import Organisation, OrganisationKind, User
from xinyong.agencies import demo
from xinyong.agencies.models import AgencyEvent, AgencyFiling
from xinyong.core.models import AuditEntry

__all__ = ["policy", "var_dir"]  # fixtures used by name

pytestmark = pytest.mark.django_db


def test_the_demo_seed_files_agencies_registers_a_bank_and_is_idempotent(
    policy: None, var_dir: Path
) -> None:
    demo.seed()

    filings = AgencyFiling.objects.select_related("organisation__district")
    assert sorted(filings.values_list("status", flat=True)) == ["cancelled", "changed", "filed"]
    office = Organisation.objects.filter(kind=OrganisationKind.CREDIT_OFFICE).order_by("pk")[0]
    assert {f.authority for f in filings} == {office.name}
    districts = {f.organisation.uscc: f.organisation.district for f in filings}
    assert {uscc: d.code if d else None for uscc, d in districts.items()} == {
        uscc: uscc[2:8] for uscc, *_rest in demo.AGENCIES
    }
    assert Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True).count() == 2
    bank = Organisation.objects.get(uscc=demo.BANK_USCC)
    assert bank.kind == OrganisationKind.BANK and bank.is_active
    kept = json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
    for username, uscc in demo.ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.organisation is not None and user.organisation.uscc == uscc
        assert user.check_password(kept[username])

    counts = (AgencyFiling.objects.count(), AgencyEvent.objects.count(), AuditEntry.objects.count())
    demo.seed()
    after = (AgencyFiling.objects.count(), AgencyEvent.objects.count(), AuditEntry.objects.count())
    assert after == counts
    assert json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8")) == kept
