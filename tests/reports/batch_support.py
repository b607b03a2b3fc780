"""Builders of the batch tests (service, API, office, browser): bidders landed through the
real pipeline, the procurement centre that asks for their reports, list files, and a
finished batch's ZIP read back. No tests here."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.core.identifiers import make_uscc
from xinyong.records import events
from xinyong.subjects.models import Subject

__all__ = ["market", "policy", "var_dir"]  # fixtures a test module imports by name

PURPOSE = "津财采〔2026〕8号 供应商资格审查"
UNKNOWN = make_uscc("9", "1", "120101", "77777777")
"""A valid USCC the platform has never seen."""


@pytest.fixture
def bidders(market: Organisation) -> list[Subject]:
    """Two companies, each with one public penalty."""
    cache.clear()
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕31号", company(1)),
            penalty("津市监罚〔2026〕32号", company(2)),
        ],
    )
    events.process_pending()
    return [Subject.objects.get(uscc=uscc(1)), Subject.objects.get(uscc=uscc(2))]


@pytest.fixture
def centre(policy: None) -> Organisation:
    """The city's finance bureau, which runs government procurement."""
    return Organisation.objects.get(kind="department", sector="finance")


def list_file(
    rows: list[str], *, header: str = "统一社会信用代码", encoding: str = "utf-8"
) -> bytes:
    return "\r\n".join([header, *rows, ""]).encode(encoding)


@dataclass(frozen=True)
class Unzipped:
    names: list[str]
    listing: list[list[str]]
    files: dict[str, bytes]


def unzip(data: bytes) -> Unzipped:
    """A batch ZIP's member names, its 清单.csv rows (header included) and its files."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    text = files["清单.csv"]
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads it as such
    listing = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    return Unzipped(list(files), listing, files)
