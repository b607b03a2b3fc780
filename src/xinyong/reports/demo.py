"""Demo credit report: one public general report of the demo's example company (the one
with a penalty to object to), so /verify/ has a genuine code to try and the company's
account lists a report.

Idempotent: nothing is issued once the example company has a report. Run after the records,
lists and grades the report shows.
"""

from __future__ import annotations

from xinyong.demo.services import account_example
from xinyong.reports.models import Report
from xinyong.reports.policy import PUBLIC_TYPE
from xinyong.reports.services.issuing import issue_report
from xinyong.reports.services.scope import Requester


def seed() -> Report | None:
    """Issue the example company's public report unless it has one; the report (None when
    the demo has no example company)."""
    example = account_example()
    if example is None:
        return None
    existing = Report.objects.filter(subject=example).order_by("pk").first()
    if existing is not None:
        return existing
    return issue_report(example, PUBLIC_TYPE, Requester.for_public())
