"""Rate limits per client: a fixed-window counter in Django's shared cache.

Anonymous callers of the portal's search and of the read API are counted per client
address, API tokens per token (`settings.XINYONG_RATE_LIMITS`, requests per minute, 0 for no
limit). The counters live in `settings.CACHES["default"]`, a database table or Redis, so
every gunicorn worker counts against the same numbers. On the database cache an increment
is a read and a write, not one atomic step: concurrent requests may each count once less,
which a limit of this kind can afford.

The client address is `REMOTE_ADDR`; `X-Forwarded-For` is believed only when the request
came from a proxy listed in `XINYONG_TRUSTED_PROXIES`, and then only up to the first hop that
no trusted proxy added (everything left of it is whatever the client chose to send).
Addresses are hashed before they become cache keys.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WINDOW_SECONDS = 60
TEMPLATE = "portal/429.html"
"""The page a limited portal request gets (the API answers with a problem instead)."""

View: TypeAlias = Callable[..., HttpResponse]
Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Verdict:
    """Whether one more request is allowed, and when the caller may come back if not."""

    allowed: bool
    limit: int
    retry_after: int = 0


ALLOWED = Verdict(allowed=True, limit=0)


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client behind the request (see the module doc)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.XINYONG_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


def hit(rule: str, who: str, *, now: float | None = None) -> Verdict:
    """Count one request of `who` (an address, a token) under `rule`, a key of
    `XINYONG_RATE_LIMITS`; the verdict says whether it is within the limit."""
    limit = int(settings.XINYONG_RATE_LIMITS.get(rule, 0))
    if limit <= 0:
        return ALLOWED
    moment = time.time() if now is None else now
    window = int(moment // WINDOW_SECONDS)
    digest = hashlib.sha256(who.encode("utf-8")).hexdigest()[:32]
    key = f"ratelimit:{rule}:{window}:{digest}"
    try:
        count = cache.incr(key)
    except ValueError:  # the first request of this window
        count = 1 if cache.add(key, 1, timeout=WINDOW_SECONDS + 1) else cache.incr(key)
    if count <= limit:
        return Verdict(allowed=True, limit=limit)
    resets = (window + 1) * WINDOW_SECONDS
    return Verdict(allowed=False, limit=limit, retry_after=max(1, math.ceil(resets - moment)))


def too_many_requests(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """The portal's 429 page: what happened, and when to try again."""
    context = {"retry_after": verdict.retry_after, "limit": verdict.limit}
    response = render(request, TEMPLATE, context, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def limit_anonymous(rule: str) -> Callable[[View], View]:
    """Decorate a portal view: anonymous visitors are counted per client address under
    `rule`; signed-in staff are not limited."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                verdict = hit(rule, client_address(request))
                if not verdict.allowed:
                    return too_many_requests(request, verdict)
            return view(request, *args, **kwargs)

        return limited

    return decorate
