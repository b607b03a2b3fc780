"""One row's prepared insert refuses models whose fields are set on save."""

from __future__ import annotations

import pytest

from xinyong.accounts.models import ApiToken
from xinyong.core import bulk


def test_a_model_with_fields_set_on_save_is_refused() -> None:
    """ApiToken.created_at is auto_now_add: a prepared insert would leave it empty."""
    with pytest.raises(TypeError, match="ApiToken"):
        bulk.insert_row(ApiToken(prefix="xy_00000000", digest="0" * 64))
