"""Who is acting and on whose behalf, carried through a request or a job.

The audit log reads these so that a service called from a view, the API, the CLI or a job
records the same facts without every caller passing them along.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    """The person, token or process behind a change or a read."""

    label: str = "system"
    user_id: int | None = None
    organisation_id: int | None = None
    request_id: str = ""
    job_id: str = ""


_current: ContextVar[Actor] = ContextVar("xinyong_actor", default=Actor())  # noqa: B039


def current_actor() -> Actor:
    """The actor of the request or job under way (a system actor outside of any)."""
    return _current.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Run a block on behalf of `actor`."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def in_job(name: str) -> Iterator[Actor]:
    """Run a block as a background job or command, with a fresh job id."""
    outer = current_actor()
    label = outer.label if outer.user_id is not None else f"job:{name}"
    actor = replace(outer, label=label, job_id=uuid.uuid4().hex)
    with acting_as(actor):
        yield actor


def new_request_id() -> str:
    """An id that ties the audit entries of one request together."""
    return uuid.uuid4().hex
