"""The database floor of a check: its own statements, replayed with nothing else around them.

A check runs five statements (token, policy key, subject, entries in force, the insert of
the check and its access-log entry). `record` runs real checks through the API in this
process and keeps what each sent to PostgreSQL, with its parameters; `replay` sends those
statements from --clients processes, each on its own connection, prepared as the platform
prepares them, for --seconds — no HTTP, no Django, no answer to build or sign. Its rate and
latency bound what any server can do with these checks on this machine: the rest of a
check only adds to them. (Each replayed insert gets a fresh check id: ids are unique.)
"""

from __future__ import annotations

import json
import multiprocessing
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

Statement = tuple[str, list[Any] | None]


@dataclass(frozen=True)
class Recorded:
    """One check's statements and the check id they carry."""

    check_id: str
    statements: list[Statement]


@dataclass(frozen=True)
class Floor:
    checks: int
    seconds: float
    p50: float
    p99: float
    client_cpu: float  # seconds of the replaying processes' CPU per check

    def line(self) -> str:
        return (
            f"{self.checks / self.seconds:>8,.0f} chk/s  p50 {1000 * self.p50:6.1f} ms"
            f"  p99 {1000 * self.p99:6.1f} ms  client CPU {1000 * self.client_cpu:.2f} ms/check"
        )


def _plain(value: Any) -> Any:
    """A parameter without the platform's types (enums, JSON encoders), to pickle."""
    if isinstance(value, Jsonb):
        return Jsonb(json.loads((value.dumps or json.dumps)(value.obj)))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return value


@contextmanager
def _statements() -> Iterator[list[Statement]]:
    """What psycopg sends while the block runs (every cursor of this process)."""
    sent: list[Statement] = []
    execute = psycopg.Cursor.execute

    def keep(cursor: Any, query: Any, params: Any = None, **options: Any) -> Any:
        text = query if isinstance(query, str) else query.as_string(cursor)
        sent.append((text, None if params is None else [_plain(p) for p in params]))
        return execute(cursor, query, params, **options)

    psycopg.Cursor.execute = keep  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]


def record(bodies: list[bytes], token: str) -> list[Recorded]:
    """Run a check for each body through the API in this process (after a warm-up that
    fills the caches) and keep the statements each one sent."""
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {token}"})

    def post(body: bytes) -> str:
        response = client.post("/api/v1/checks", body, content_type="application/json")
        if response.status_code != 200:
            raise SystemExit(f"a recorded check failed: {response.content.decode()}")
        return str(response.json()["check_id"])

    for body in bodies[:50]:
        post(body)
    recorded = []
    for body in bodies[50:]:
        with _statements() as sent:
            check_id = post(body)
        recorded.append(Recorded(check_id, sent))
    return recorded


def _client(url: str, recorded: list[Recorded], first: int, step: int, seconds: float,
            results: Any) -> None:  # fmt: skip
    latencies = []
    with psycopg.connect(url, autocommit=True, prepare_threshold=0) as connection:
        started, n = time.process_time(), first
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            check = recorded[n % len(recorded)]
            n += step
            fresh = secrets.token_hex(12)
            began = time.perf_counter()
            for sql, params in check.statements:
                values = None if params is None else [
                    fresh if p == check.check_id else p for p in params
                ]  # fmt: skip
                cursor = connection.execute(sql, values)
                if cursor.description is not None:
                    cursor.fetchall()
            latencies.append(time.perf_counter() - began)
        results.put((latencies, time.process_time() - started))


def replay(url: str, recorded: list[Recorded], clients: int, seconds: float) -> Floor:
    """Send the recorded checks' statements from `clients` processes for `seconds`."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_client, args=(url, recorded, n, clients, seconds, results))
        for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    finished = [results.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(x for own, _cpu in finished for x in own)
    count = len(latencies)
    if not count:
        raise SystemExit("the floor replayed no check")
    return Floor(
        count,
        seconds,
        latencies[count // 2],
        latencies[min(count - 1, int(count * 0.99))],
        sum(cpu for _own, cpu in finished) / count,
    )
