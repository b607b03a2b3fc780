"""The records admin: read-only and restricted submissions, records (personal identifiers
masked), rejected rows and events; header mappings edited through their audited service."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.records.face.conftest import PASSWORD, Synth
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.models import CatalogItem
from xinyong.core.models import AuditEntry
from xinyong.records import mappings, services
from xinyong.records.models import HeaderMapping, Record, RecordVersion, Submission


@pytest.fixture
def landed(department: Organisation, synth: Synth) -> Submission:
    with synth.file("xzcf_v2.csv").open("rb") as upload:
        submission = services.submit_file(
            organisation=department, item_code="XZCF", upload=upload, file_name="xzcf_v2.csv"
        )
    return services.process(submission)


def _id_numbers(synth: Synth) -> list[str]:
    text = synth.file("xzcf_v2.csv").read_bytes().decode("gb18030")
    rows = list(csv.DictReader(io.StringIO(text)))
    return [row["法定代表人证件号码"] for row in rows if row["法定代表人证件号码"].strip()]


def test_every_records_model_is_in_the_admin() -> None:
    inlined = {inline.model for m in admin.site._registry.values() for inline in m.inlines}
    missing = [
        model._meta.label
        for model in apps.get_app_config("records").get_models()
        if model not in admin.site._registry and model not in inlined
    ]
    assert missing == []


def test_changelists_render_in_both_languages(admin_client: Client, landed: Submission) -> None:
    for model in apps.get_app_config("records").get_models():
        if model not in admin.site._registry:
            continue
        for prefix in ("", "/en"):
            url = f"{prefix}/admin/records/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url


def test_a_record_shows_masked_identifiers_only(
    admin_client: Client, landed: Submission, synth: Synth
) -> None:
    version = RecordVersion.objects.filter(data__has_key="legal_rep_id_no").first()
    assert version is not None
    protected = version.data["legal_rep_id_no"]
    page = admin_client.get(reverse("admin:records_record_change", args=[version.record_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert protected["masked"] in text
    assert protected["enc"] not in text and protected["hash"] not in text
    assert not [number for number in _id_numbers(synth) if number in text]


def test_nothing_can_be_added_changed_or_deleted(admin_client: Client, landed: Submission) -> None:
    assert admin_client.get(reverse("admin:records_submission_add")).status_code == 403
    record = Record.objects.first()
    assert record is not None
    change = reverse("admin:records_record_change", args=[record.pk])
    assert admin_client.post(change, {"doc_no": "改"}).status_code == 403
    delete = reverse("admin:records_submission_delete", args=[landed.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Submission.objects.filter(pk=landed.pk).exists()


def test_staff_see_only_their_organisations_rows(
    client: Client, landed: Submission, other_department: Organisation
) -> None:
    create_staff_user(
        organisation=other_department,
        username="staff.other",
        roles=["submitter"],
        password=PASSWORD,
        is_staff=True,
    )
    assert client.login(username="staff.other", password=PASSWORD)
    for name in ("submission", "record", "rejectedrow", "recordevent"):
        page = client.get(reverse(f"admin:records_{name}_changelist"))
        assert page.status_code == 200 and page.context["cl"].result_count == 0, name
    detail = client.get(reverse("admin:records_submission_change", args=[landed.pk]))
    assert detail.status_code == 302  # not visible: the admin sends it back to the index

    create_staff_user(
        organisation=landed.organisation,
        username="staff.own",
        roles=["reviewer"],
        password=PASSWORD,
        is_staff=True,
    )
    assert client.login(username="staff.own", password=PASSWORD)
    for name in ("submission", "record", "rejectedrow", "recordevent"):
        page = client.get(reverse(f"admin:records_{name}_changelist"))
        assert page.status_code == 200 and page.context["cl"].result_count > 0, name


# -- header mappings -------------------------------------------------------------------------


def _before(entry: AuditEntry) -> dict[str, Any]:
    assert isinstance(entry.before, dict)
    return entry.before


def _after(entry: AuditEntry) -> dict[str, Any]:
    assert isinstance(entry.after, dict)
    return entry.after


def test_header_mapping_is_validated_normalised_and_audited(
    admin_client: Client, department: Organisation
) -> None:
    item = CatalogItem.objects.get(code="XZCF")
    add = reverse("admin:records_headermapping_add")
    refused = admin_client.post(
        add,
        {"organisation": department.pk, "item": item.pk, "header": "处罚文号", "field_key": "nope"},
    )
    assert refused.status_code == 200 and "没有字段" in refused.content.decode()
    assert not HeaderMapping.objects.exists()

    saved = admin_client.post(
        add,
        {
            "organisation": department.pk,
            "item": item.pk,
            "header": " 处罚文号（ＸＺ） ",
            "field_key": "doc_no",
        },
    )
    assert saved.status_code == 302
    mapping = HeaderMapping.objects.get()
    assert mapping.header == "处罚文号(XZ)" and mapping.field_key == "doc_no"
    created = AuditEntry.objects.get(action="header_mapping.create")
    assert _after(created)["header"] == "处罚文号(XZ)" and created.organisation_id == department.pk

    change = reverse("admin:records_headermapping_change", args=[mapping.pk])
    assert admin_client.post(change, {"field_key": "authority"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.field_key == "authority" and mapping.header == "处罚文号(XZ)"
    update = AuditEntry.objects.get(action="header_mapping.update")
    assert _before(update)["field_key"] == "doc_no" and _after(update)["field_key"] == "authority"

    delete = reverse("admin:records_headermapping_delete", args=[mapping.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not HeaderMapping.objects.exists()
    deleted = AuditEntry.objects.get(action="header_mapping.delete")
    assert _before(deleted)["field_key"] == "authority"


def test_saving_the_same_mapping_again_writes_nothing(department: Organisation) -> None:
    item = CatalogItem.objects.get(code="XZCF")
    first = mappings.save_header_mapping(
        organisation=department, item=item, header="文号", field_key="doc_no"
    )
    again = mappings.save_header_mapping(
        organisation=department, item=item, header="文号 ", field_key="doc_no"
    )
    assert first.pk == again.pk
    assert AuditEntry.objects.filter(object_type=mappings.OBJECT_TYPE).count() == 1
    with pytest.raises(mappings.MappingError) as refused:
        mappings.save_header_mapping(
            organisation=department, item=item, header="  ", field_key="doc_no"
        )
    assert refused.value.code == "mapping.empty_header"
