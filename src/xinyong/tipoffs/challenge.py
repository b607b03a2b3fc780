"""The public form's challenge: a small sum to work out, without any third-party service.

The answer stays on the server, in the visitor's session (the page carries only a random id),
and each question is used once: checking it removes it, whether the answer was right or not,
so a bot cannot replay one answered form. A few questions may be pending at once (several
tabs); each lives for half an hour.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

SESSION_KEY = "tipoffs.challenges"
MAX_PENDING = 5
TTL_SECONDS = 30 * 60


@dataclass(frozen=True)
class Question:
    id: str
    text: str


def _pending(request: HttpRequest) -> dict[str, dict[str, int]]:
    now = int(time.time())
    stored = request.session.get(SESSION_KEY) or {}
    return {
        key: entry
        for key, entry in stored.items()
        if isinstance(entry, dict) and now - int(entry.get("at", 0)) <= TTL_SECONDS
    }


def issue(request: HttpRequest) -> Question:
    """A new question, remembered in the session (the oldest pending one is dropped when
    there are too many)."""
    first, second = 10 + secrets.randbelow(40), 1 + secrets.randbelow(9)
    adding = secrets.randbelow(2) == 0
    answer = first + second if adding else first - second
    pending = _pending(request)
    while len(pending) >= MAX_PENDING:
        pending.pop(min(pending, key=lambda key: pending[key]["at"]))
    question_id = secrets.token_hex(8)
    pending[question_id] = {"answer": answer, "at": int(time.time())}
    request.session[SESSION_KEY] = pending
    text = _("%(a)d 加 %(b)d 等于几？") if adding else _("%(a)d 减 %(b)d 等于几？")
    return Question(question_id, text % {"a": first, "b": second})


def passes(request: HttpRequest, question_id: str, typed: str) -> bool:
    """Whether `typed` answers the pending question `question_id`; the question is used up."""
    pending = _pending(request)
    entry = pending.pop(question_id, None)
    request.session[SESSION_KEY] = pending
    if entry is None:
        return False
    answer = unicodedata.normalize("NFKC", typed or "").strip()
    return answer.lstrip("-").isdigit() and int(answer) == entry["answer"]
