"""Each test starts and ends with an empty allowlist cache (rollbacks send no signals)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xinyong.core.identifiers import invalidate_allowlist


@pytest.fixture(autouse=True)
def _fresh_allowlist_cache() -> Iterator[None]:
    invalidate_allowlist()
    yield
    invalidate_allowlist()
