"""link_many: the same decisions as one by one, in a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from pytest_django import DjangoAssertNumQueries

from xinyong.core.models import District
from xinyong.subjects.models import Subject
from xinyong.subjects.services import LinkRequest, SubjectIdentifiers, link_many, linking

from .codes import business_reg, citizen_id, org_code, uscc
from .helpers import counts

pytestmark = pytest.mark.django_db

MAX_QUERIES_PER_BATCH = 30


def _request(name: str = "天津某某有限公司", **identifiers: str) -> LinkRequest:
    return LinkRequest(SubjectIdentifiers(**identifiers), name=name, source="batch")


def test_a_batch_sees_its_own_subjects() -> None:
    results = link_many(
        [
            _request("甲公司", uscc=uscc(1)),
            _request("甲公司", org_code=org_code(1)),  # found through the USCC just created
            _request("乙公司", business_reg=business_reg(2)),
            _request("甲科技公司", uscc=uscc(1), business_reg=business_reg(1)),
            _request("甲公司", uscc=uscc(1), business_reg=business_reg(2)),  # conflict
            _request("乙公司", business_reg="1"),  # rejected
            _request("丙", citizen_id=citizen_id(3)),
            _request("丙", citizen_id=citizen_id(3)),
        ]
    )
    a, b, c = results[0].subject, results[2].subject, results[6].subject
    assert a is not None and b is not None and c is not None and len({a, b, c}) == 3
    assert [r.subject for r in results] == [a, a, b, a, None, None, c, c]
    assert [r.created for r in results] == [True, False, True, False, False, False, True, False]
    assert results[3].renamed and [x.value for x in results[3].learned] == [business_reg(1)]
    assert results[4].conflict is not None and results[5].rejected
    a.refresh_from_db()
    assert a.name == "甲科技公司"
    history = a.names.order_by("valid_from", "pk")
    assert [(n.name, n.valid_to is None) for n in history] == [
        ("甲公司", False),
        ("甲科技公司", True),
    ]
    assert Subject.objects.count() == 3


def test_renaming_twice_in_one_batch_keeps_one_current_name() -> None:
    link_many([_request("一", uscc=uscc(4))])
    link_many([_request("二", uscc=uscc(4)), _request("三", uscc=uscc(4))])
    subject = Subject.objects.get(uscc=uscc(4))
    current = subject.names.filter(valid_to__isnull=True)
    assert subject.name == "三" and [n.name for n in current] == ["三"]
    assert sorted(subject.names.values_list("name", flat=True)) == ["一", "三", "二"]


def _mixed_batch(size: int) -> list[LinkRequest]:
    """A batch like a real file: known subjects (some renamed, some learning a code), new
    ones, persons, a conflict and bad rows."""
    requests = []
    for n in range(size):
        match n % 6:
            case 0:
                requests.append(_request(f"公司{n}", uscc=uscc(n)))
            case 1:
                requests.append(_request(f"公司{n}新名", uscc=uscc(n)))
            case 2:
                requests.append(_request(f"公司{n}", uscc=uscc(n), business_reg=business_reg(n)))
            case 3:
                requests.append(_request(f"公司{n}", uscc=uscc(100_000 + n)))
            case 4:
                requests.append(_request("某某", citizen_id=citizen_id(n % 1000)))
            case _:
                requests.append(_request(f"公司{n}", uscc=uscc(n - 5), business_reg="0"))
    requests.append(_request("冲突", uscc=uscc(0), business_reg=business_reg(2)))
    return requests


@pytest.mark.parametrize("size", [12, 60, 300])
def test_query_count_does_not_grow_with_the_batch(
    size: int,
    districts: dict[str, District],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    link_many([_request(f"公司{n}", uscc=uscc(n)) for n in range(size) if n % 6 in (0, 1, 2)])
    batch = _mixed_batch(size)
    with django_assert_max_num_queries(MAX_QUERIES_PER_BATCH):
        results = link_many(batch)
    assert sum(r.created for r in results) == len(range(3, size, 6)) + len(range(4, size, 6))
    assert sum(r.renamed for r in results) == len(range(1, size, 6))
    assert sum(bool(r.rejected) for r in results) == len(range(5, size, 6))
    assert results[-1].conflict is not None
    before = counts()
    with django_assert_max_num_queries(MAX_QUERIES_PER_BATCH):
        again = link_many(batch)
    assert counts() == before
    assert not any(r.created or r.learned or r.renamed for r in again)


def test_a_request_without_a_source_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="source"):
        link_many([LinkRequest(SubjectIdentifiers(uscc=uscc(5)), name="甲", source=" ")])


def test_a_subject_stored_meanwhile_by_another_worker_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    existing = link_many([_request(uscc=uscc(7))])[0].subject
    real = linking._identifier_rows
    calls: list[int] = []

    def stale_first(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
        """The first look misses the other worker's rows, as if it had not committed yet."""
        calls.append(1)
        return [] if len(calls) == 1 else real(keys)

    monkeypatch.setattr(linking, "_identifier_rows", stale_first)
    before = counts()
    result = link_many([_request(uscc=uscc(7), business_reg=business_reg(7))])[0]
    assert len(calls) == 2
    assert result.subject == existing and not result.created
    assert [x.value for x in result.learned] == [business_reg(7)]
    assert counts() == (before[0], before[1] + 1, before[2], before[3] + 1)
