"""`xinyong serve` and `xinyong worker` start as an operator would run them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def instance_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XINYONG_VAR_DIR": str(tmp_path), "XINYONG_HTTPS": "0"}
    subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )
    return env


def test_serve_answers_with_gunicorn(instance_env: dict[str, str]) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "serve", "--port", str(port), "--workers", "1"],
        env=instance_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status, headers = 0, {}
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status, headers = response.status, dict(response.headers)
                    break
            except OSError:
                time.sleep(0.5)
        assert status == 200
        assert headers.get("X-Frame-Options") == "DENY"
        assert "X-Request-Id" in headers
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "gunicorn" in output.lower()


def test_worker_drains_the_queue_and_exits_in_batch_mode(instance_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "worker", "--batch"],
        env=instance_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
