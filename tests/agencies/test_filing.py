"""The filing services: filing links the agency's subject and makes it an active
organisation; a change keeps every field's history; cancellation deactivates the
organisation and revokes its tokens; bad input and the wrong people change nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.agencies.conftest import AGENCY, OTHER_AGENCY, Staff, details
from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import authenticate_token, create_staff_user, create_token
from xinyong.agencies.models import AgencyEvent, AgencyFiling, AgencyStatus, EventKind
from xinyong.agencies.services import (
    AgencyError,
    cancel_agency,
    change_agency,
    file_agency,
    history_of,
    may_manage,
    may_view,
)
from xinyong.core.audit import verify
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject, SubjectName
from xinyong.subjects.services import SubjectIdentifiers, find_subject, link

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        Subject.objects.count(),
        AgencyFiling.objects.count(),
        AgencyEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


# -- filing ------------------------------------------------------------------------------------


def test_filing_registers_the_agency_as_an_organisation_and_a_subject(staff: Staff) -> None:
    filed = file_agency(
        staff.operator,
        uscc=AGENCY.lower(),
        details=details(),
        filed_on=TODAY() - datetime.timedelta(days=3),
    )

    organisation = Organisation.objects.get(uscc=AGENCY)
    assert (organisation.kind, organisation.is_active, organisation.name) == (
        OrganisationKind.AGENCY,
        True,
        "天津诚信征信服务有限公司",
    )
    assert filed.organisation == organisation
    assert filed.subject == find_subject(AGENCY) and filed.subject.name == organisation.name
    assert filed.number == f"BA{filed.filed_on.year}{filed.pk:06d}"
    assert filed.status == AgencyStatus.FILED and filed.filed_on == TODAY() - datetime.timedelta(
        days=3
    )
    assert filed.scopes == ["credit_reporting", "credit_investigation"]
    [event] = filed.events.all()
    assert event.kind == EventKind.FILED and event.changes["address"] == [None, filed.address]

    entry = _entry("agency.file")
    assert entry.after is not None
    assert entry.object_id == filed.public_id and entry.organisation_id == organisation.pk
    assert entry.after["number"] == filed.number and entry.after["uscc"] == AGENCY
    # The log is read by people: the person's name and the phone only masked.
    assert entry.after["legal_representative"] == "赵**"
    assert entry.after["contact_phone"] == "022*****1188"
    assert "赵明远" not in str(entry.after) and "23301188" not in str(entry.after)
    assert verify()[1] is None


def test_filing_takes_the_subject_the_platform_already_holds(staff: Staff) -> None:
    held = link(SubjectIdentifiers(uscc=AGENCY), name="天津诚信征信服务有限公司", source="test")
    assert held.subject is not None

    filed = file_agency(staff.operator, uscc=AGENCY, details=details(), number="津信备〔2024〕7号")

    assert filed.subject == held.subject and Subject.objects.count() == 1
    assert filed.number == "津信备〔2024〕7号"


def test_an_agency_filed_and_standing_cannot_be_filed_again(
    staff: Staff, filing: AgencyFiling
) -> None:
    before = _counts()
    with pytest.raises(AgencyError) as refused:
        file_agency(staff.operator, uscc=AGENCY, details=details(name="另一个名称有限公司"))
    assert refused.value.reason == "agencies.duplicate" and filing.number in refused.value.message

    with pytest.raises(AgencyError) as taken:
        file_agency(staff.operator, uscc=OTHER_AGENCY, details=details(), number=filing.number)
    assert taken.value.reason == "agencies.duplicate_number"
    assert _counts() == before


def test_an_organisation_of_another_kind_cannot_be_filed(staff: Staff) -> None:
    before = _counts()
    with pytest.raises(AgencyError) as refused:
        file_agency(staff.operator, uscc=staff.department.uscc, details=details())
    assert refused.value.reason == "agencies.other_kind"
    assert _counts() == before


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"uscc": "91120101MA0AG00114"}, "agencies.invalid_uscc"),  # check character wrong
        ({"uscc": "120101199003071234"}, "agencies.invalid_uscc"),  # a citizen ID shape
        ({"name": "  "}, "agencies.missing"),
        ({"authority": ""}, "agencies.missing"),
        ({"address": "x" * 201}, "agencies.too_long"),
        ({"legal_representative": "120101199003071238"}, "agencies.legal_representative"),
        ({"scopes": []}, "agencies.no_scope"),
        ({"scopes": ["credit_reporting", "fortune_telling"]}, "agencies.unknown_scope"),
        ({"contact_phone": "call us"}, "agencies.phone"),
        ({"contact_phone": "120101199003071238"}, "agencies.phone"),
        ({"filed_on": timezone.localdate() + datetime.timedelta(days=1)}, "agencies.future_date"),
        ({"number": "n" * 41}, "agencies.too_long"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_changes_nothing(
    staff: Staff, changes: dict[str, Any], reason: str
) -> None:
    arguments: dict[str, Any] = {"uscc": AGENCY, "number": "", "filed_on": None}
    detail_changes = {k: v for k, v in changes.items() if k not in arguments}
    arguments.update({k: v for k, v in changes.items() if k in arguments})
    before = _counts()
    with pytest.raises(AgencyError) as refused:
        file_agency(staff.operator, details=details(**detail_changes), **arguments)
    assert refused.value.reason == reason
    assert _counts() == before
    assert "120101199003071234" not in refused.value.message


def test_only_the_credit_office_s_acting_staff_may_file(staff: Staff) -> None:
    before = _counts()
    for viewer in (staff.clerk, staff.auditor):
        with pytest.raises(AgencyError) as refused:
            file_agency(viewer, uscc=AGENCY, details=details())
        assert refused.value.reason == "agencies.forbidden"
    assert _counts() == before
    assert may_manage(staff.operator) and not may_manage(staff.auditor)
    assert may_view(staff.auditor) and not may_view(staff.clerk) and not may_manage(staff.clerk)


# -- changes -----------------------------------------------------------------------------------


def test_a_change_is_kept_field_by_field_in_the_history(staff: Staff, filing: AgencyFiling) -> None:
    changed = change_agency(
        staff.operator,
        filing,
        details(address="天津市河西区友谊路 35 号", scopes=["credit_reporting"]),
        note="注册地址迁移，不再从事信用调查",
    )
    assert changed.status == AgencyStatus.CHANGED and changed.changed_on == TODAY()
    assert changed.address == "天津市河西区友谊路 35 号" and changed.scopes == ["credit_reporting"]
    again = change_agency(
        staff.operator,
        changed,
        details(
            address="天津市河西区友谊路 35 号",
            scopes=["credit_reporting"],
            contact_phone="022-28356600",
        ),
    )

    steps = history_of(again)
    assert [s.event.kind for s in steps] == ["filed", "changed", "changed"]
    assert steps[1].changes == [
        ("注册地址", "天津市和平区南京路 189 号", "天津市河西区友谊路 35 号"),
        ("业务范围", "征信、信用调查", "征信"),
    ]
    assert steps[1].event.reason == "注册地址迁移，不再从事信用调查"
    assert steps[2].changes == [("联系电话", "022-23301188", "022-28356600")]
    first, second = AuditEntry.objects.filter(action="agency.change").order_by("seq")
    assert first.after is not None
    assert first.before == {
        "address": "天津市和平区南京路 189 号",
        "scopes": ["credit_reporting", "credit_investigation"],
    }
    assert first.after["changed"] == ["address", "scopes"]
    assert second.before == {"contact_phone": "022*****1188"}


def test_a_change_of_name_renames_the_organisation_and_the_subject(
    staff: Staff, filing: AgencyFiling
) -> None:
    change_agency(staff.operator, filing, details(name="天津诚信征信有限公司"))

    assert Organisation.objects.get(uscc=AGENCY).name == "天津诚信征信有限公司"
    subject = Subject.objects.get(pk=filing.subject_id)
    assert subject.name == "天津诚信征信有限公司"
    former = SubjectName.objects.filter(subject=subject, valid_to__isnull=False)
    assert list(former.values_list("name", flat=True)) == ["天津诚信征信服务有限公司"]


def test_a_change_that_changes_nothing_or_comes_too_early_is_refused(
    staff: Staff, filing: AgencyFiling
) -> None:
    before = _counts()
    with pytest.raises(AgencyError) as same:
        change_agency(staff.operator, filing, details(contact_phone=" 022-23301188 "))
    assert same.value.reason == "agencies.no_change"
    with pytest.raises(AgencyError) as early:
        change_agency(
            staff.operator,
            filing,
            details(address="新地址"),
            changed_on=filing.filed_on - datetime.timedelta(days=1),
        )
    assert early.value.reason == "agencies.early_date"
    with pytest.raises(AgencyError) as forbidden:
        change_agency(staff.clerk, filing, details(address="新地址"))
    assert forbidden.value.reason == "agencies.forbidden"
    assert _counts() == before
    assert AgencyFiling.objects.get(pk=filing.pk).status == AgencyStatus.FILED


# -- cancellation ------------------------------------------------------------------------------


def test_cancellation_deactivates_the_organisation_and_stops_its_tokens(
    staff: Staff, filing: AgencyFiling
) -> None:
    issued = create_token(organisation=filing.organisation, scopes=["subjects:read"], name="api")
    member = create_staff_user(
        organisation=filing.organisation, username="agency_clerk", roles=["operator"]
    )
    assert authenticate_token(issued.secret) is not None
    assert viewer_for_user(member).roles == frozenset({"operator"})

    cancelled = cancel_agency(staff.operator, filing, reason="机构申请注销备案")

    assert cancelled.status == AgencyStatus.CANCELLED and cancelled.cancelled_on == TODAY()
    assert cancelled.cancel_reason == "机构申请注销备案"
    assert Organisation.objects.get(pk=filing.organisation_id).is_active is False
    assert authenticate_token(issued.secret) is None
    member.refresh_from_db()
    assert viewer_for_user(member).roles == frozenset()
    steps = history_of(cancelled)
    assert [s.event.kind for s in steps] == ["filed", "cancelled"]
    assert steps[1].event.reason == "机构申请注销备案"
    assert steps[1].changes == [("状态", "已备案", "已注销")]
    entry = _entry("agency.cancel")
    assert entry.after is not None and entry.before is not None
    assert entry.after["tokens_revoked"] == [issued.token.prefix]
    assert entry.after["status"] == "cancelled" and entry.before["status"] == "filed"
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1
    assert verify()[1] is None


def test_a_cancelled_filing_is_final_and_the_agency_may_file_anew(
    staff: Staff, filing: AgencyFiling
) -> None:
    issued = create_token(organisation=filing.organisation, scopes=["subjects:read"])
    cancel_agency(staff.operator, filing, reason="机构申请注销备案")
    before = _counts()
    steps: list[Callable[[], AgencyFiling]] = [
        lambda: change_agency(staff.operator, filing, details(address="新地址")),
        lambda: cancel_agency(staff.operator, filing, reason="再次注销"),
    ]
    for step in steps:
        with pytest.raises(AgencyError) as refused:
            step()
        assert refused.value.reason == "agencies.cancelled"
    assert _counts() == before

    again = file_agency(staff.operator, uscc=AGENCY, details=details())

    assert again.pk != filing.pk and again.number != filing.number
    assert again.organisation_id == filing.organisation_id and again.organisation.is_active
    assert authenticate_token(issued.secret) is None  # revoked for good, not merely paused


def test_cancellation_needs_a_reason_and_the_right_people(
    staff: Staff, filing: AgencyFiling
) -> None:
    before = _counts()
    with pytest.raises(AgencyError) as empty:
        cancel_agency(staff.operator, filing, reason="  ")
    assert empty.value.reason == "agencies.missing"
    with pytest.raises(AgencyError) as forbidden:
        cancel_agency(staff.auditor, filing, reason="机构申请注销备案")
    assert forbidden.value.reason == "agencies.forbidden"
    with pytest.raises(AgencyError) as future:
        cancel_agency(
            staff.operator,
            filing,
            reason="机构申请注销备案",
            cancelled_on=TODAY() + datetime.timedelta(days=1),
        )
    assert future.value.reason == "agencies.future_date"
    assert _counts() == before
    assert Organisation.objects.get(pk=filing.organisation_id).is_active
