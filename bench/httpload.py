"""A small closed-loop HTTP load generator for the benchmarks: N keep-alive clients, each
sending its next request as soon as the previous answer is read, for a fixed time.

Clients are threads spread over worker processes (the GIL would otherwise make the client
the bottleneck); each process returns its latencies, which are merged for percentiles.
Requests are (method, path, body, headers) tuples drawn in turn from the list given, so a
run can mix subjects (hits and misses) without generating anything while it measures.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass(frozen=True)
class Stats:
    """Throughput and latency of one run."""

    requests: int
    seconds: float
    errors: int
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = self.latencies
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0

    def line(self) -> str:
        p = self.percentile
        return (
            f"{self.rate:>8,.0f} req/s  p50 {1000 * p(0.5):6.1f} ms  p95 {1000 * p(0.95):6.1f} ms"
            f"  p99 {1000 * p(0.99):6.1f} ms  errors {self.errors}"
        )


def _client(
    port: int,
    requests: Sequence[Request],
    offset: int,
    until: float,
    out: list[float],
    bad: list[int],
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = offset
    while time.perf_counter() < until:
        method, path, body, headers = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        out.append(time.perf_counter() - started)
        if response.status >= 400:
            bad.append(response.status)


def _process(
    port: int, requests: Sequence[Request], clients: int, first: int, seconds: float, queue: object
) -> None:
    until = time.perf_counter() + seconds
    latencies: list[float] = []
    bad: list[int] = []
    threads = [
        threading.Thread(
            target=_client,
            args=(port, requests, (first + i) * 7919, until, latencies, bad),
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, len(bad)))  # type: ignore[attr-defined]


def run(
    port: int,
    requests: Sequence[Request],
    *,
    clients: int = 16,
    processes: int = 2,
    seconds: float = 10.0,
) -> Stats:
    """`clients` concurrent keep-alive clients for `seconds` against 127.0.0.1:`port`."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    workers = [
        context.Process(target=_process, args=(port, requests, n, sum(share[:i]), seconds, queue))
        for i, n in enumerate(share)
    ]
    for worker in workers:
        worker.start()
    latencies: list[float] = []
    errors = 0
    for _worker in workers:
        got, bad = queue.get()
        latencies += got
        errors += bad
    for worker in workers:
        worker.join()
    latencies.sort()
    # Each process sends for `seconds` from its own start: the rate is over that window.
    return Stats(len(latencies), seconds, errors, latencies)
