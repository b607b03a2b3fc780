"""Properties of linking, over generated requests that often share or contradict codes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.subjects.models import Subject, SubjectIdentifier, SubjectName
from xinyong.subjects.services import (
    LinkRequest,
    LinkResult,
    SubjectIdentifiers,
    link,
    link_many,
)

from .codes import business_reg, citizen_id, org_code, tax_reg, uscc
from .helpers import counts

pytestmark = pytest.mark.django_db

# A small pool, so that generated requests find, extend and contradict each other.
NUMBERS = (1, 2, 3)


def _maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(values))


identifiers = st.builds(
    SubjectIdentifiers,
    uscc=_maybe([uscc(n) for n in NUMBERS] + [uscc(1, region="120116")]),
    org_code=_maybe([org_code(n) for n in NUMBERS]),
    business_reg=_maybe([business_reg(n) for n in NUMBERS]),
    tax_reg=_maybe([tax_reg(n) for n in NUMBERS]),
    citizen_id=_maybe([citizen_id(n) for n in NUMBERS]),
)
requests = st.builds(
    LinkRequest,
    identifiers=identifiers,
    name=st.sampled_from(["甲公司", "乙公司", "丙公司"]),
    source=st.just("hypothesis"),
)


@settings(max_examples=60, deadline=None)
@given(request=requests)
def test_linking_twice_changes_nothing_the_second_time(request: LinkRequest) -> None:
    first = link_many([request])[0]
    before = counts()
    second = link(request.identifiers, name=request.name, kind=request.kind, source=request.source)
    assert counts() == before
    assert second.subject == first.subject
    assert not second.created and not second.learned and not second.renamed
    assert (second.conflict and second.conflict.reason) == (
        first.conflict and first.conflict.reason
    )
    assert second.rejected == first.rejected


class _Rollback(Exception):
    pass


def _outcome(run: Callable[[], Sequence[LinkResult]]) -> Any:
    """What `run` decided and stored, with subjects named by first appearance; rolled back."""
    try:
        with transaction.atomic():
            results = run()
            pks = dict(Subject.objects.values_list("public_id", "pk"))
            order: dict[int, int] = {}

            def named(pk: int | None) -> int | None:
                return None if pk is None else order.setdefault(pk, len(order))

            decided = [
                (
                    named(r.subject.pk if r.subject else None),
                    r.created,
                    r.renamed,
                    r.conflict and r.conflict.reason,
                    [
                        (p.scheme, p.value, p.held, named(pks.get(p.subject or "")))
                        for p in (r.conflict.pointers if r.conflict else ())
                    ],
                    [x.reason for x in r.rejected],
                    sorted((x.scheme, x.value) for x in r.learned),
                )
                for r in results
            ]
            stored = sorted(
                (named(s), scheme, value)
                for s, scheme, value in SubjectIdentifier.objects.values_list(
                    "subject", "scheme", "value"
                )
            )
            names = sorted(
                (named(s), name, valid_to is None)
                for s, name, valid_to in SubjectName.objects.values_list(
                    "subject", "name", "valid_to"
                )
            )
            raise _Rollback((decided, stored, names))
    except _Rollback as done:
        return done.args[0]


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(requests, min_size=1, max_size=10))
def test_a_batch_decides_as_one_by_one(batch: list[LinkRequest]) -> None:
    together = _outcome(lambda: link_many(batch))
    one_by_one = _outcome(lambda: [link_many([r])[0] for r in batch])
    assert together == one_by_one
