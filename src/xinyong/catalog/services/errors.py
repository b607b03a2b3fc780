"""Errors of the catalogue services: bad policy files, and lookups that find no rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from xinyong.core.errors import ReasonedError


@dataclass(frozen=True)
class PolicyIssue:
    """One thing wrong with a policy directory: which file, where inside it, and why.

    `path` is written as in the file (`items[3].publication.rule.ends_after`); "" for the
    file as a whole. `reason` is stable for programs; `message` is for people.
    """

    file: str
    path: str
    reason: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message} [{self.reason}]"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class PolicyError(ValueError):
    """A policy directory that cannot be loaded; nothing was written."""

    reason = "policy.invalid"

    def __init__(self, issues: Sequence[PolicyIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class PolicyLookupError(ReasonedError, LookupError):
    """No policy answers the question asked (unknown item, no rule set for a date …)."""
