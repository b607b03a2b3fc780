"""Typed settings read from the environment once (the only module that reads os.environ).

Why one module: every knob an operator can turn is listed here with its default and type,
so nothing else in the code base reaches into the environment.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _url(name: str, default: str) -> str:
    return (os.environ.get(name, "").strip() or default).rstrip("/")


def _count(name: str, default: int) -> int:
    """A non-negative whole number (0 switches the thing it counts off)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise RuntimeError(f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def _networks(name: str) -> list[str]:
    """Addresses or CIDR networks, checked now so a typo stops the start, not a request."""
    found = _list(name, [])
    for entry in found:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise RuntimeError(f"{name}: {entry!r} is not an IP address or network") from exc
    return found


def _kept_secret(var_dir: Path, filename: str, make: str) -> str:
    """Return a secret kept in a 0600 file under var/, creating it on first use.

    Used when the environment gives none, so `make demo` works out of the box while
    production passes the secret in the environment.
    """
    path = var_dir / filename
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = make
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def _signing_key(raw: str) -> bytes | None:
    """The Ed25519 private key from the environment, checked now so a bad value stops the start.

    Not generated here: the platform publishes each signing key's public half, so a new key is
    made by `xinyong keys rotate` (or on first use, into var/) and never behind the operator's
    back."""
    if not raw:
        return None
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise RuntimeError("XINYONG_SIGNING_KEY is not base64") from exc
    if len(key) != 32:
        raise RuntimeError(
            "XINYONG_SIGNING_KEY must be an Ed25519 private key: 32 bytes, base64-encoded "
            "(`xinyong keys generate` makes one)"
        )
    return key


@dataclass(frozen=True)
class Config:
    """Everything the environment can set."""

    debug: bool
    var_dir: Path
    database_url: str
    secret_key: str
    data_key: bytes
    signing_key: bytes | None
    """The platform's Ed25519 private key (32 bytes) when the environment gives one; without
    it the key lives in var/signing_key (`xinyong.core.signing.keys`)."""
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    https: bool
    hsts_seconds: int
    log_level: str
    redis_url: str
    """Cache in Redis (shared by all workers and hosts) instead of a database table."""
    trusted_proxies: list[str]
    """Reverse proxies whose X-Forwarded-For names the client; others are the client."""
    search_rate: int
    """Portal searches per minute per anonymous client address (0: no limit)."""
    api_rate: int
    """Read API calls per minute per anonymous client address (0: no limit)."""
    token_api_rate: int
    """Read API calls per minute per API token (0: no limit)."""
    public_url: str
    """The site's address as the public reaches it (no trailing slash): printed in credit
    reports' QR codes, which outlive any request."""
    report_processes: int
    """Processes drawing a batch's report PDFs side by side (default: one per CPU)."""


def load() -> Config:
    """Read the environment (and var/ for secrets the demo generates)."""
    var_dir = Path(os.environ.get("XINYONG_VAR_DIR", "var")).resolve()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'xinyong.sqlite3'}"
    secret_key = os.environ.get("SECRET_KEY") or _kept_secret(
        var_dir, "secret_key", secrets.token_urlsafe(50)
    )
    data_key_b64 = os.environ.get("XINYONG_DATA_KEY") or _kept_secret(
        var_dir, "data_key", base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    )
    data_key = base64.b64decode(data_key_b64, validate=True)
    if len(data_key) != 32:
        raise RuntimeError("XINYONG_DATA_KEY must be 32 random bytes, base64-encoded")
    return Config(
        debug=_flag("DEBUG", False),
        var_dir=var_dir,
        database_url=database_url,
        secret_key=secret_key,
        data_key=data_key,
        signing_key=_signing_key(os.environ.get("XINYONG_SIGNING_KEY", "").strip()),
        allowed_hosts=_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"]),
        csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS", []),
        https=_flag("XINYONG_HTTPS", True),
        hsts_seconds=int(os.environ.get("XINYONG_HSTS_SECONDS", "0")),
        log_level=os.environ.get("XINYONG_LOG_LEVEL", "INFO"),
        redis_url=os.environ.get("XINYONG_REDIS_URL", "").strip(),
        trusted_proxies=_networks("XINYONG_TRUSTED_PROXIES"),
        search_rate=_count("XINYONG_RATE_SEARCH", 60),
        api_rate=_count("XINYONG_RATE_API", 60),
        token_api_rate=_count("XINYONG_RATE_TOKEN", 600),
        public_url=_url("XINYONG_PUBLIC_URL", "http://127.0.0.1:8000"),
        report_processes=_count("XINYONG_REPORT_PROCESSES", os.cpu_count() or 1),
    )


CONFIG = load()
