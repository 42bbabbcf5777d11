"""API rate limiting with Mattermost's settings and headers, counted by django-ratelimit.

Mattermost uses a GCRA bucket of ``MaxBurst + 1`` requests refilled at ``PerSec`` per
second. django-ratelimit counts requests in fixed windows, so we allow ``MaxBurst + 1``
requests per window of ``ceil((MaxBurst + 1) / PerSec)`` seconds: the same burst and the
same long-run rate, but the allowance comes back all at once when a window ends instead of
trickling back. The counters live in the default cache, so with ``REDIS_URL`` every process
and host shares them. docs/rate-limiting.md has the details.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.core.auth import find_token


def client_ip(request: HttpRequest) -> str:
    """The caller's address, from the first trusted proxy header that has one."""
    for header in settings.MATTERMOST.trusted_proxy_headers:
        value = request.headers.get(header, "")
        addresses = value.replace(",", " ").split()
        if addresses:
            return addresses[0]
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limit_key(group: str, request: HttpRequest) -> str:
    config = settings.MATTERMOST
    parts = []
    if config.rate_limit_vary_by_user:
        found = find_token(request)
        parts.append(found[0] if found else client_ip(request))
    elif config.rate_limit_vary_by_remote_addr:
        parts.append(client_ip(request))
    if config.rate_limit_vary_by_header:
        parts.append(request.headers.get(config.rate_limit_vary_by_header, "").lower())
    return "|".join(parts)


def rate_limit_window() -> tuple[int, int]:
    """(requests allowed, window seconds) for the configured PerSec and MaxBurst."""
    config = settings.MATTERMOST
    limit = config.rate_limit_max_burst + 1
    return limit, max(1, math.ceil(limit / config.rate_limit_per_sec))


class MattermostRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.retry_after = 1

    def allow_request(self, request: Request, view: Any) -> bool:
        if not settings.MATTERMOST.rate_limit_enable:
            return True
        limit, period = rate_limit_window()
        django_request = request._request
        usage = get_usage(
            django_request,
            group="api",
            key=rate_limit_key,
            rate=f"{limit}/{period}s",
            increment=True,
        )
        if usage is None:
            return True
        reset = max(int(usage["time_left"]), 0)
        django_request.ratelimit_headers = {  # type: ignore[attr-defined]
            "X-Ratelimit-Limit": str(limit),
            "X-Ratelimit-Remaining": str(max(limit - usage["count"], 0)),
            "X-Ratelimit-Reset": str(reset),
        }
        self.retry_after = max(reset, 1)
        return not usage["should_limit"]

    def wait(self) -> float:
        return self.retry_after
