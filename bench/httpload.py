"""A closed-loop HTTP load generator for the benchmarks: N keep-alive clients, each sending
its next request as soon as the previous answer is read, for a fixed time.

With `wrk` installed (Debian package; `scripts/ensure-system-packages bench`) the clients are
wrk's connections, driven by a generated Lua script: written in C, wrk takes a small share of
a core, where the Python client took most of one of this 2-core machine's two cores from
the server it measures. Without it, clients are threads spread over worker processes (the
GIL would otherwise make the client the bottleneck), whose latencies are merged for
percentiles. Requests are (method, path, body, headers) tuples drawn in turn from the list
given, so a run can mix subjects (hits and misses) without generating anything while it
measures.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass(frozen=True)
class Stats:
    """Throughput and latency of one run (latencies in seconds)."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        p50, p95, p99 = (1000 * p for p in (self.p50, self.p95, self.p99))
        return (
            f"{self.rate:>8,.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"
            f"  errors {self.errors}"
        )


def client_name() -> str:
    """The client `run` uses on this machine."""
    return "wrk" if shutil.which("wrk") else "Python threads (wrk is not installed)"


def run(
    port: int,
    requests: Sequence[Request],
    *,
    clients: int = 16,
    seconds: float = 10.0,
) -> Stats:
    """`clients` concurrent keep-alive clients for `seconds` against 127.0.0.1:`port`."""
    if shutil.which("wrk"):
        return _run_wrk(port, requests, clients, seconds)
    return _run_python(port, requests, clients, seconds)


_LUA = """
local specs = {
%s
}
local requests = {}
local counter = 0
function init(args)
  for i, spec in ipairs(specs) do
    requests[i] = wrk.format(spec[1], spec[2], spec[3], spec[4])
  end
end
function request()
  counter = counter + 1
  return requests[(counter %% #requests) + 1]
end
function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'XINYONG {"requests":%%.0f,"duration_us":%%.0f,"errors":%%.0f,'
      .. '"p50":%%.0f,"p95":%%.0f,"p99":%%.0f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
"""wrk's script: every request formatted once per connection thread (in `init`, when wrk
knows the host), sent in turn; at the end one line of JSON with the counts and the latency
percentiles (µs) for `_run_wrk` to read."""


def _lua_text(text: str) -> str:
    """`text` as a Lua long-bracket string (no escapes inside; the bodies never hold ]==])."""
    if "]==]" in text:
        raise ValueError("a request holds ]==]")
    return f"[==[{text}]==]"


def _lua_request(request: Request) -> str:
    method, path, body, headers = request
    # "[ [==[" with spaces: "[[" would open a long string.
    fields = ", ".join(f"[ {_lua_text(k)} ] = {_lua_text(v)}" for k, v in headers.items())
    shown_body = _lua_text(body.decode("utf-8")) if body is not None else "nil"
    return f"  {{{_lua_text(method)}, {_lua_text(path)}, {{{fields}}}, {shown_body}}},"


def _run_wrk(port: int, requests: Sequence[Request], clients: int, seconds: float) -> Stats:
    with tempfile.TemporaryDirectory(prefix="httpload-") as folder:
        script = Path(folder) / "requests.lua"
        script.write_text(_LUA % "\n".join(_lua_request(r) for r in requests), encoding="utf-8")
        done = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s",
             "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("XINYONG ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {done.stderr.strip() or done.stdout.strip()}")
    found = json.loads(line.removeprefix("XINYONG "))
    return Stats(
        found["requests"],
        found["duration_us"] / 1e6,
        found["errors"],
        found["p50"] / 1e6,
        found["p95"] / 1e6,
        found["p99"] / 1e6,
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


def _run_python(
    port: int, requests: Sequence[Request], clients: int, seconds: float, processes: int = 2
) -> Stats:
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

    def percentile(fraction: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] if latencies else 0.0
        )

    # Each process sends for `seconds` from its own start: the rate is over that window.
    return Stats(
        len(latencies), seconds, errors, percentile(0.5), percentile(0.95), percentile(0.99)
    )
