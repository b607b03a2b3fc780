"""One row's prepared insert refuses models whose fields are set on save."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils import timezone

from tests.accounts.conftest import org
from tests.subjects.codes import uscc
from tests.subjects.helpers import link_ids
from xinyong.accounts.models import ApiToken
from xinyong.core import bulk
from xinyong.subjects.models import AccessKind, SubjectAccess


def test_a_model_with_fields_set_on_save_is_refused() -> None:
    """ApiToken.created_at is auto_now_add: a prepared insert would leave it empty."""
    with pytest.raises(TypeError, match="ApiToken"):
        bulk.insert_row(ApiToken(prefix="xy_00000000", digest="0" * 64))


def _access(subject_id: int, organisation_id: int) -> SubjectAccess:
    return SubjectAccess(
        subject_id=subject_id,
        accessed_at=timezone.now(),
        kind=AccessKind.CHECK,
        organisation_id=organisation_id,
        purpose="测试",
        legal_basis="测试",
        reference="r",
    )


@pytest.mark.django_db(transaction=True)
def test_related_rows_go_in_together_or_not_at_all() -> None:
    """Outside a transaction (as a check writes): both rows and their ids, or neither row
    when the second breaks a constraint."""
    subject = link_ids(uscc=uscc(7)).subject
    organisation = org(2)
    assert subject is not None
    first, second = _access(subject.pk, organisation.pk), _access(subject.pk, organisation.pk)
    bulk.insert_rows([first, second])
    assert first.pk and second.pk and first.pk != second.pk
    assert not first._state.adding
    assert SubjectAccess.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    orphan = _access(subject.pk + 1000, organisation.pk)  # no such subject
    with pytest.raises(IntegrityError):
        bulk.insert_rows([_access(subject.pk, organisation.pk), orphan])
    assert SubjectAccess.objects.count() == 2
