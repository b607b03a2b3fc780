"""The scopes an API token may carry, as data.

A new API surface adds its scope here (one line) and checks it where it serves requests;
token creation rejects anything not listed, so a typo never yields a token that silently
can do nothing, or more than intended.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCOPES: dict[str, Promise] = {
    "records:submit": _("报送信用记录"),
    "records:read": _("查询信用记录"),
    "subjects:read": _("查询信用主体"),
    # The read API's government-shared view of a subject: besides its public records, those
    # of 授权查询 and 政务共享 catalogue items. Honoured for government organisations only
    # (信用办, departments, district governments, courts); each read needs a stated purpose
    # and is written to the audit log.
    "records:read_shared": _("查询政务共享信用记录"),
    # Reads of a subject's records that the subject itself authorised (xinyong.consents):
    # honoured for credit service agencies and banks only, within the grant's items and period.
    "records:read_authorised": _("授权查询信用记录"),
    "lists:check": _("名单核查"),
    # A subject's credit evaluation with every point explained (xinyong.evaluation): honoured
    # for government organisations only; each read needs a stated purpose and is logged.
    "evaluation:read": _("查询信用评价"),
    "reports:create": _("生成信用报告"),
    "exchange:feed": _("平台数据交换"),
    "audit:read": _("读取本机构审计记录"),
}


def scope_choices() -> list[tuple[str, str]]:
    """(code, "code — label") pairs for forms and help texts."""
    return [(code, f"{code} — {label}") for code, label in SCOPES.items()]
