"""Is this report genuine, unaltered and still current? The answer to a verification code
(/verify/<code>, the API, a scanned QR code) and to a PDF file (upload, `xinyong report
verify`).

Every answer re-checks the platform's own copy first: the manifest's Ed25519 signature
against the published keys, and that the manifest names this report's number, code, hash
and content fingerprint. A row edited in the database therefore stops verifying, just as a
file edited on disk does. A genuine report is then `revoked` (a record it rests on was
corrected or withdrawn after issue), `superseded` (the subject's situation has changed
since: the content rebuilt now with the report's own scope differs) or `current`.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from xinyong.core.signing import published_keys, verify
from xinyong.core.signing.envelope import format_time
from xinyong.reports.document import ReportContent
from xinyong.reports.models import Report
from xinyong.reports.services.content import build_content, content_from_data, fingerprint
from xinyong.reports.services.issuing import MANIFEST_KIND, normalise_code
from xinyong.reports.services.render import claimed_code
from xinyong.reports.services.revocation import shown_reason
from xinyong.reports.services.scope import Scope


class State(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    ALTERED = "altered"
    UNKNOWN = "unknown"


STATE_LABELS: dict[State, Promise] = {
    State.CURRENT: gettext_lazy("现行有效"),
    State.SUPERSEDED: gettext_lazy("情况已变化"),
    State.REVOKED: gettext_lazy("已撤销"),
    State.ALTERED: gettext_lazy("已被改动"),
    State.UNKNOWN: gettext_lazy("无法验证"),
}

EXIT_CODES = {
    State.CURRENT: 0,
    State.SUPERSEDED: 1,
    State.REVOKED: 1,
    State.ALTERED: 2,
    State.UNKNOWN: 2,
}
"""`xinyong report verify` exits 0 for a report one may rely on, 1 for a genuine report that
is no longer current, 2 for a file that is not a genuine report of the platform."""


@dataclass(frozen=True)
class Verification:
    """The answer: the state, what it means in plain words, and the report's public facts
    (from its signed manifest, a person's name masked) when one was found."""

    state: State
    message: str
    report: Report | None = None
    reason: str = ""
    """Why it is revoked, or why it is not genuine."""
    changes: tuple[str, ...] = ()
    """What changed since issue, in plain words (superseded reports)."""
    key_id: str = ""
    checked_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def genuine(self) -> bool:
        """Issued by the platform and unaltered (whether or not still current)."""
        return self.state in (State.CURRENT, State.SUPERSEDED, State.REVOKED)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]

    @property
    def facts(self) -> dict[str, Any] | None:
        """The signed facts of the report, as the manifest states them."""
        if self.report is None:
            return None
        payload: dict[str, Any] = self.report.manifest.get("payload", {})
        subject = payload.get("subject") or {}
        return {
            "number": self.report.number,
            "code": self.report.code,
            "type": self.report.type_code,
            "type_name": self.report.content.get("type_name", ""),
            "subject_name": subject.get("name", ""),
            "subject_uscc": subject.get("uscc", ""),
            "subject_public_id": subject.get("public_id", ""),
            "cut_off": self.report.cut_off,
            "issued_at": self.report.issued_at,
            "sha256": self.report.sha256,
            "key_id": self.key_id,
            "revoked_at": self.report.revoked_at,
        }

    def as_data(self) -> dict[str, Any]:
        """JSON for the API and `verify --json` (times as ISO 8601 UTC)."""
        facts = self.facts
        shown: dict[str, Any] | None = None
        if facts is not None:
            shown = {
                key: format_time(value) if isinstance(value, datetime.datetime) else value
                for key, value in facts.items()
            }
        return {
            "state": str(self.state),
            "state_label": self.label,
            "genuine": self.genuine,
            "message": self.message,
            "reason": self.reason,
            "changes": list(self.changes),
            "report": shown,
            "checked_at": format_time(self.checked_at),
        }


def verify_code(code: str) -> Verification:
    """The state of the report with verification code `code` (typed any way)."""
    normal = normalise_code(code)
    report = Report.objects.select_related("subject").filter(code=normal).first()
    if normal is None or report is None:
        return Verification(State.UNKNOWN, _("没有找到与该验证码对应的信用报告，请核对验证码。"))
    return _state(report)


def verify_file(data: bytes) -> Verification:
    """The state of a PDF file: a genuine report is found by its SHA-256; a file that names a
    report's code in its metadata but hashes differently has been altered."""
    digest = hashlib.sha256(data).hexdigest()
    report = Report.objects.select_related("subject").filter(sha256=digest).first()
    if report is not None:
        return _state(report)
    normal = normalise_code(claimed_code(data) or "")
    claimed = Report.objects.filter(code=normal).first() if normal else None
    if claimed is None:
        return Verification(
            State.UNKNOWN, _("该文件不是本平台出具的信用报告，或不是报告的原始文件。")
        )
    return Verification(
        State.ALTERED,
        _("该文件自称报告 %(number)s，但与平台存档的原件不一致：内容已被改动，不能作为依据。")
        % {"number": claimed.number},
        report=claimed,
        reason="report.altered",
    )


def _state(report: Report) -> Verification:
    broken, key_id = _broken_seal(report)
    if broken:
        return Verification(
            State.ALTERED,
            _("平台存档的签名清单校验不通过，无法确认该报告的真实性，请联系信用办。"),
            report=report,
            reason=broken,
            key_id=key_id,
        )
    if report.revoked_at is not None:
        return Verification(
            State.REVOKED,
            _("该报告于 %(day)s 撤销：%(reason)s。请重新申请报告。")
            % {
                "day": timezone.localtime(report.revoked_at).strftime("%Y-%m-%d"),
                "reason": shown_reason(report.revocation_reason),
            },
            report=report,
            reason=shown_reason(report.revocation_reason),
            key_id=key_id,
        )
    issued = content_from_data(report.content)
    now = build_content(
        report.subject,
        Scope.from_data(report.scope),
        purpose=report.purpose,
        requester_label=issued.requester,
    )
    if fingerprint(now) == report.fingerprint:
        return Verification(
            State.CURRENT,
            _("报告真实、未被改动，主体的信用状况自报告出具以来没有变化。"),
            report=report,
            key_id=key_id,
        )
    return Verification(
        State.SUPERSEDED,
        _("报告真实、未被改动，但主体的信用状况自数据截止时间以来已有变化，请以最新报告为准。"),
        report=report,
        changes=changes_between(issued, now),
        key_id=key_id,
    )


def _broken_seal(report: Report) -> tuple[str, str]:
    """('', key id) when the stored manifest is signed by a published key and names exactly
    this report; otherwise the reason code of the first fault."""
    checked = verify(report.manifest, published_keys())
    if not checked.valid:
        return checked.reason, checked.key_id
    payload = report.manifest["payload"]
    expected = {
        "kind": MANIFEST_KIND,
        "number": report.number,
        "code": report.code,
        "sha256": report.sha256,
        "fingerprint": report.fingerprint,
        "type": report.type_code,
    }
    if not isinstance(payload, dict) or any(payload.get(k) != v for k, v in expected.items()):
        return "report.manifest_mismatch", checked.key_id
    return "", checked.key_id


def changes_between(before: ReportContent, after: ReportContent) -> tuple[str, ...]:
    """What differs between the report as issued and as it would be now, in plain words."""
    said: list[str] = []
    old_ids, new_ids = set(before.record_ids), set(after.record_ids)
    if added := len(new_ids - old_ids):
        said.append(ngettext("新增 %(n)d 条记录", "新增 %(n)d 条记录", added) % {"n": added})
    if gone := len(old_ids - new_ids):
        said.append(
            ngettext(
                "%(n)d 条记录不再列入（已修复、撤销或公示期满）",
                "%(n)d 条记录不再列入（已修复、撤销或公示期满）",
                gone,
            )
            % {"n": gone}
        )
    old_grades = {g.model_code: g for g in before.grades}
    for line in after.grades:
        was = old_grades.pop(line.model_code, None)
        if was is not None and was.grade != line.grade:
            said.append(
                _("%(model)s 评价等级由 %(old)s 变为 %(new)s")
                % {"model": line.model_name, "old": was.grade_name, "new": line.grade_name}
            )
        elif was is None:
            said.append(_("新增评价等级：%(model)s") % {"model": line.model_name})
    if old_grades:
        said.append(_("部分评价等级不再列入"))
    if before.lists != after.lists:
        said.append(_("名单情况有变化"))
    if before.commitments != after.commitments:
        said.append(_("信用承诺情况有变化"))
    if before.objections != after.objections:
        said.append(_("异议处理情况有变化"))
    if before.subject != after.subject:
        said.append(_("主体登记信息有变化"))
    return tuple(said) or (_("记录内容有更新"),)
