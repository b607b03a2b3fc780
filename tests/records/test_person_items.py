"""A catalogue item about natural persons that names them by `person_name` (职业资格吊销)
lands like any other: the name is the subject's name, masked on the public page."""

from __future__ import annotations

from django.test import Client

from tests.records.pipeline.helpers import citizen_id
from tests.records.test_public_fixtures import days_ago, land, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record

__all__ = ["policy", "var_dir"]  # fixtures used by name


def test_a_revoked_licence_lands_and_names_its_holder_masked(policy: None, client: Client) -> None:
    health = Organisation.objects.get(kind="department", sector="health")
    number = citizen_id(5, born="19800101")
    land(
        health,
        "ZYZG_DX",
        [
            {
                "person_name": "赵医生",
                "id_type": "身份证",
                "id_no": number,
                "qualification": "执业医师",
                "certificate_no": "110120000012345",
                "doc_no": "津卫吊〔2026〕1号",
                "reason": "出具虚假医学证明文件",
                "decision_date": days_ago(15).isoformat(),
                "authority": health.name,
                "authority_uscc": health.uscc,
                "source_unit": health.name,
                "source_unit_uscc": health.uscc,
            }
        ],
    )
    record = Record.objects.select_related("subject").get(doc_no="津卫吊〔2026〕1号")
    assert record.subject.name == "赵医生" and record.subject.kind == "natural_person"
    page = client.get(f"/subjects/id/{record.subject.public_id}/").content.decode()
    assert "津卫吊〔2026〕1号" in page and "赵医生" not in page and number not in page
