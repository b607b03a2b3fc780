"""Filing a tip-off: anonymous or with contact details (encrypted, bound to the tip-off), an
organisation linked by its code, a natural person named only, attachments checked, and every
refusal leaving nothing behind — no row, no file, no audit entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.tipoffs.conftest import (
    CONTACT,
    FACTS,
    audited,
    file_with_contact,
    pdf_upload,
    report,
)
from xinyong.core.crypto import DecryptionError, decrypt
from xinyong.core.models import AuditEntry
from xinyong.rights import files
from xinyong.subjects.models import Subject
from xinyong.tipoffs.models import TipOff, TipOffAttachment, contact_context, person_context
from xinyong.tipoffs.services import TipOffError, file_tipoff, status_for
from xinyong.tipoffs.services.receipt import receipt_hash

pytestmark = pytest.mark.django_db


def _row_text(tipoff: TipOff) -> str:
    """Every stored column of the tip-off, as one string."""
    return json.dumps(TipOff.objects.filter(pk=tipoff.pk).values().get(), default=str)


def _audit_text() -> str:
    rows = AuditEntry.objects.values_list("before", "after", "purpose", "object_id")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def test_an_anonymous_tipoff_is_received_with_a_receipt_code(policy: None) -> None:
    filed = file_tipoff(report())

    tipoff = filed.tipoff
    assert (tipoff.state, tipoff.anonymous, tipoff.contact_encrypted) == ("received", True, "")
    assert tipoff.category_name == "虚假宣传" and tipoff.facts == FACTS
    assert tipoff.number.startswith(f"JB{tipoff.filed_on.year}")
    code = filed.receipt_code
    assert len(code.replace("-", "")) == 20
    assert tipoff.receipt_hash == receipt_hash(code)
    assert code not in _row_text(tipoff) and code.replace("-", "") not in _row_text(tipoff)
    status = status_for(code)
    assert status is not None and status.number == tipoff.number and status.state_label == "已受理"
    entry = AuditEntry.objects.get(action="tipoff.file")
    assert entry.object_id == tipoff.public_id and audited("tipoff.file")["anonymous"] is True
    assert FACTS not in _audit_text()


def test_contact_details_are_one_ciphertext_bound_to_the_tipoff(policy: None) -> None:
    first = file_with_contact().tipoff
    second = file_with_contact().tipoff

    stored = _row_text(first)
    for value in CONTACT.values():
        assert value not in stored
        assert value not in _audit_text()
    clear = json.loads(decrypt(first.contact_encrypted, context=contact_context(first.public_id)))
    assert clear == {"name": "赵六一", "phone": "13912345678", "email": "zl@example.org"}
    with pytest.raises(DecryptionError):  # moved to another tip-off, it does not open
        decrypt(first.contact_encrypted, context=contact_context(second.public_id))
    assert first.anonymous is False


def test_an_organisation_is_linked_when_its_code_matches(held_company: Subject) -> None:
    typed = " ".join(uscc(1).lower())  # spaced out, lower case
    linked = file_tipoff(report(reported_code=typed)).tipoff
    unknown = file_tipoff(report(reported_code=uscc(77), reported_name="某公司")).tipoff
    without = file_tipoff(report(reported_code="")).tipoff

    assert linked.subject == held_company and linked.reported_code == uscc(1)
    assert unknown.subject is None and unknown.reported_code == uscc(77)
    assert without.subject is None and without.reported_code == ""


def test_a_person_is_named_only_encrypted_and_masked(policy: None) -> None:
    tipoff = file_tipoff(
        report(reported_kind="person", reported_name="李四光", reported_code="")
    ).tipoff

    assert tipoff.reported_name == "李**" and tipoff.subject is None
    assert "李四光" not in _row_text(tipoff) and "李四光" not in _audit_text()
    name = decrypt(tipoff.person_name_encrypted, context=person_context(tipoff.public_id))
    assert name == "李四光"
    assert audited("tipoff.file")["reported"] is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"category": "gossip"}, "tipoffs.category"),
        ({"reported_kind": "martian"}, "tipoffs.reported_kind"),
        ({"reported_name": "  "}, "tipoffs.missing"),
        ({"reported_name": "张" * 101}, "tipoffs.too_long"),
        ({"facts": "太坏了"}, "tipoffs.facts_short"),
        ({"facts": "事" * 2001}, "tipoffs.too_long"),
        ({"reported_code": "91120101MA05XXXXXX"}, "tipoffs.uscc"),
        # A person is reported by name only, and no ID number is ever taken.
        ({"reported_kind": "person", "reported_name": "李四光"}, "tipoffs.id_number"),
        ({"reported_code": citizen_id(5)}, "tipoffs.id_number"),
        ({"reported_kind": "person", "reported_code": citizen_id(5)}, "tipoffs.id_number"),
        (
            {"reported_kind": "person", "reported_name": f"李四光{citizen_id(5)}"},
            "tipoffs.id_number",
        ),
        ({"anonymous": True, "contact_email": "a@example.org"}, "tipoffs.anonymous_contact"),
        ({"anonymous": False}, "tipoffs.contact_missing"),
        ({"anonymous": False, "contact_mobile": "12345"}, "tipoffs.contact_phone"),
        ({"anonymous": False, "contact_email": "not-an-address"}, "tipoffs.contact_email"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    policy: None, var_dir: Path, changes: dict[str, Any], reason: str
) -> None:
    audited = AuditEntry.objects.count()
    with pytest.raises(TipOffError) as refused:
        file_tipoff(report(**changes), [pdf_upload()])
    assert refused.value.reason == reason
    assert TipOff.objects.count() == 0 and AuditEntry.objects.count() == audited
    assert not list((var_dir / "evidence").rglob("*.*"))
    for value in changes.values():  # a refusal never repeats what was typed
        if isinstance(value, str) and len(value) > 4:
            assert value not in refused.value.message


def test_full_width_digits_in_a_phone_number_are_accepted(policy: None) -> None:
    tipoff = file_tipoff(report(contact_mobile="１３９ １２３４ ５６７８")).tipoff
    clear = json.loads(decrypt(tipoff.contact_encrypted, context=contact_context(tipoff.public_id)))
    assert clear["phone"] == "13912345678"


def test_attachments_are_kept_and_listed(policy: None, var_dir: Path) -> None:
    tipoff = file_tipoff(report(), [pdf_upload("截图.pdf"), pdf_upload("b.pdf")]).tipoff

    kept = list(TipOffAttachment.objects.filter(tipoff=tipoff).order_by("position"))
    assert [(a.position, a.name) for a in kept] == [(1, "截图.pdf"), (2, "b.pdf")]
    assert all(
        (var_dir / "evidence" / a.stored_path).read_bytes().startswith(b"%PDF") for a in kept
    )
    assert audited("tipoff.file")["attachments"] == [a.sha256 for a in kept]


@pytest.mark.parametrize(
    ("uploads", "reason"),
    [
        ([pdf_upload("a.gif", b"GIF89a....")], "evidence.type"),
        ([pdf_upload(), pdf_upload("b.exe", b"MZ\x90\x00")], "evidence.type"),
        ([pdf_upload("empty.pdf", b"")], "evidence.empty"),
        ([pdf_upload(), pdf_upload(), pdf_upload(), pdf_upload()], "tipoffs.too_many_files"),
    ],
)
def test_a_refused_attachment_changes_nothing(
    policy: None, var_dir: Path, uploads: list[Any], reason: str
) -> None:
    with pytest.raises(TipOffError) as refused:
        file_tipoff(report(**CONTACT), uploads)
    assert refused.value.reason == reason
    assert TipOff.objects.count() == 0 and TipOffAttachment.objects.count() == 0
    assert not AuditEntry.objects.filter(action="tipoff.file").exists()
    assert not list((var_dir / "evidence").rglob("*.*"))


def test_an_oversized_attachment_changes_nothing(
    policy: None, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_BYTES", 40)
    with pytest.raises(TipOffError) as refused:
        file_tipoff(report(), [pdf_upload(content=b"%PDF-1.4" + b"x" * 100)])
    assert refused.value.reason == "evidence.too_large"
    assert TipOff.objects.count() == 0
    assert not list((var_dir / "evidence").rglob("*.*"))
