"""Demo evaluation: both packaged models published and run once over the demo subjects, so
the account pages, the back office and the API have grades to show.

Idempotent: publishing an unchanged file writes nothing, and a model whose latest version
has had a full run is not run again. Run after the demo's records and list entries.
"""

from __future__ import annotations

from django.utils import timezone

from xinyong.evaluation.services import publish_all, runs_due


def seed() -> None:
    """Publish the packaged models and run each one not yet run in full."""
    publish_all()
    runs_due(timezone.localdate())
