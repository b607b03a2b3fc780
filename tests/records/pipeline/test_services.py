"""The public service API: who may submit what, storage of what was sent, who sees what."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest

from xinyong.accounts.models import Organisation, User
from xinyong.accounts.permissions import viewer_for_token, viewer_for_user
from xinyong.accounts.services import (
    authenticate_token,
    create_staff_user,
    create_token,
    revoke_token,
)
from xinyong.core import audit
from xinyong.core.permissions import ANONYMOUS, Viewer
from xinyong.records import services
from xinyong.records.ingest.storage import Run, store_batch
from xinyong.records.models import Record, RecordVersion, RejectedRow, Submission
from xinyong.records.services import SubmissionRefused

from .helpers import penalty, submission, uscc

CSV = "行政相对人名称,行政处罚决定书文号\n甲公司,津罚〔2026〕1号\n".encode("gb18030")


def submit(organisation: Organisation, item: str = "XZCF", **kwargs: object) -> Submission:
    return services.submit_file(
        organisation=organisation,
        item_code=item,
        upload=io.BytesIO(kwargs.pop("content", CSV)),  # type: ignore[arg-type]
        file_name=str(kwargs.pop("file_name", "处罚.csv")),
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_file_is_stored_with_its_hash_and_audited(department: Organisation) -> None:
    made = submit(department, file_name="../../etc/处罚 2026.CSV")
    assert made.status == "received" and made.item.code == "XZCF"
    assert made.file_name == "处罚 2026.CSV" and made.stored_path.endswith("upload.csv")
    stored = services.stored_file_path(made)
    assert stored.read_bytes() == CSV and made.file_sha256 == hashlib.sha256(CSV).hexdigest()
    entry = audit.entries_for("records.submission", made.public_id)[-1]
    assert entry.action == "submission.receive" and entry.organisation_id == department.pk


@pytest.mark.parametrize(
    ("sector", "item", "allowed"),
    [
        ("market_regulation", "XZCF", True),  # by organisation kind (department)
        ("market_regulation", "JYYC", True),  # named as source department
        ("human_resources_social_security", "JYYC", False),
        ("human_resources_social_security", "TQNMGGZ", True),
    ],
)
def test_the_right_to_submit_an_item(policy: None, sector: str, item: str, allowed: bool) -> None:
    organisation = Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]
    if allowed:
        assert submit(organisation, item).pk
        return
    with pytest.raises(SubmissionRefused) as refused:
        submit(organisation, item)
    assert refused.value.code == "item.not_source" and organisation.name in refused.value.message
    assert not Submission.objects.exists()


def test_a_bank_may_not_submit_penalties(policy: None) -> None:
    bank = Organisation.objects.create(uscc=uscc(77), name="某银行天津分行", kind="bank")
    with pytest.raises(SubmissionRefused, match=r"item\.not_source"):
        submit(bank)


def test_refusals_change_nothing(
    department: Organisation, other_department: Organisation, var_dir: Path
) -> None:
    outsider = create_staff_user(organisation=other_department, username="o", roles=["submitter"])
    checker = create_staff_user(organisation=department, username="c", roles=["checker"])
    wrong_scope = create_token(organisation=department, scopes=["records:read"]).token
    other_token = create_token(organisation=other_department, scopes=["records:submit"]).token
    revoked = create_token(organisation=department, scopes=["records:submit"]).token
    revoke_token(revoked)
    cases: list[tuple[str, dict[str, object]]] = [
        ("item.unknown", {"item": "NOPE"}),
        ("user.other_organisation", {"user": outsider}),
        ("user.no_role", {"user": checker}),
        ("token.scope", {"token": wrong_scope}),
        ("token.other_organisation", {"token": other_token}),
        ("token.inactive", {"token": revoked}),
        ("file.empty", {"content": b""}),
    ]
    for code, kwargs in cases:
        item = str(kwargs.pop("item", "XZCF"))
        with pytest.raises(SubmissionRefused) as refused:
            submit(department, item, **kwargs)
        assert refused.value.code == code
    with pytest.raises(SubmissionRefused, match=r"records\.empty"):
        services.submit_records(organisation=department, item_code="XZCF", records=[])
    assert not Submission.objects.exists()
    assert not any(var_dir.rglob("upload*"))


def test_submitters_and_tokens_may_submit(department: Organisation) -> None:
    user = create_staff_user(organisation=department, username="s", roles=["submitter"])
    token = create_token(organisation=department, scopes=["records:submit"]).token
    assert submit(department, user=user).submitted_by == user
    made = services.submit_records(
        organisation=department, item_code="XZCF", records=[{"a": 1}], token=token
    )
    assert made.token == token and made.stored_path.endswith(".json")


def _visible(viewer: Viewer) -> set[str]:
    rows = services.submissions_visible_to(viewer)
    return set(rows.values_list("organisation__sector", flat=True))


def test_who_sees_submissions_and_records(
    department: Organisation, other_department: Organisation
) -> None:
    for organisation in (department, other_department):
        run = Run.start(submission(organisation, received=date(2026, 5, 7)), rerun=False)
        store_batch(run, [penalty(1, subject=organisation.pk), penalty(2, errors=[])])
    credit_office = Organisation.objects.get(kind="credit_office")
    staff = {
        name: create_staff_user(organisation=org, username=name, roles=roles)
        for name, org, roles in (
            ("co_admin", credit_office, ["admin"]),
            ("co_operator", credit_office, ["operator"]),
            ("co_auditor", credit_office, ["auditor"]),
            ("co_checker", credit_office, ["checker"]),
            ("submitter", department, ["submitter"]),
            ("reviewer", department, ["reviewer"]),
            ("admin", department, ["admin"]),
            ("checker", department, ["checker"]),
        )
    }
    both = {department.sector, other_department.sector}
    own = {department.sector}
    expected = {
        "co_admin": both, "co_operator": both, "co_auditor": both, "co_checker": set(),
        "submitter": own, "reviewer": own, "admin": own, "checker": set(),
    }  # fmt: skip
    for name, sees in expected.items():
        viewer = viewer_for_user(User.objects.get(pk=staff[name].pk))
        assert _visible(viewer) == sees, name
        records = Record.objects.restrict(viewer).values_list("organisation", flat=True)
        assert len(set(records)) == len(sees), name
        versions = RecordVersion.objects.restrict(viewer).count()
        assert versions == 2 * len(sees), name
        assert RejectedRow.objects.restrict(viewer).count() == 0
    issued = create_token(organisation=department, scopes=["records:submit"])
    principal = authenticate_token(issued.secret)
    assert principal is not None
    assert _visible(viewer_for_token(principal)) == own
    reader = create_token(organisation=department, scopes=["records:read"])
    principal = authenticate_token(reader.secret)
    assert principal is not None and _visible(viewer_for_token(principal)) == set()
    assert _visible(ANONYMOUS) == set()
    assert not Record.objects.restrict(ANONYMOUS).exists()


def test_quality_by_organisation(department: Organisation) -> None:
    from xinyong.core import calendar
    from xinyong.records.ingest.types import RowError

    received = calendar.add_working_days(date(2026, 5, 6), 9)
    run = Run.start(submission(department, received=received), rerun=False)
    bad = RowError("doc_no", "field.required", "缺少")
    store_batch(run, [penalty(1), penalty(2, subject=2), penalty(3, errors=[bad])])
    admin = create_staff_user(
        organisation=Organisation.objects.get(kind="credit_office"), username="a", roles=["admin"]
    )
    [row] = services.quality_by_organisation(viewer_for_user(admin))
    assert (row.organisation_uscc, row.rows, row.accepted, row.rejected) == (
        department.uscc,
        3,
        2,
        1,
    )
    assert row.quality_rate == round(2 / 3, 4)
    assert (row.late, row.on_time_rate, row.timeliness_avg_days) == (2, 0.0, 9.0)
    assert services.quality_by_organisation(ANONYMOUS) == []
