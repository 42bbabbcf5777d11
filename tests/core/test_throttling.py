from __future__ import annotations

import django_ratelimit.core
import pytest
from django.test import Client

from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db
PING = "/api/v4/system/ping"


class FrozenClock:
    """django-ratelimit counts in fixed windows; a frozen clock keeps a test in one."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    frozen = FrozenClock(1_800_000_000.0)
    monkeypatch.setattr(django_ratelimit.core, "time", frozen)
    return frozen


@pytest.fixture
def limited(mm_config, clock: FrozenClock) -> FrozenClock:
    mm_config(rate_limit_enable=True, rate_limit_per_sec=1, rate_limit_max_burst=2)
    return clock


def test_disabled_by_default_and_then_silent(client: Client) -> None:
    for _ in range(5):
        response = client.get(PING)
        assert response.status_code == 200
        assert "X-Ratelimit-Limit" not in response


def test_headers_count_down_and_429_after_the_burst(client: Client, limited: FrozenClock) -> None:
    remaining = []
    for _ in range(3):
        response = client.get(PING)
        assert response.status_code == 200
        assert response["X-Ratelimit-Limit"] == "3"  # MaxBurst + 1
        assert 0 < int(response["X-Ratelimit-Reset"]) <= 3
        remaining.append(int(response["X-Ratelimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = client.get(PING)
    assert_error(refused, 429, "api.context.rate_limit_exceeded.app_error")
    assert refused["X-Ratelimit-Remaining"] == "0"
    assert int(refused["Retry-After"]) >= 1
    # The window passes and the client may go on.
    limited.now += 4
    assert client.get(PING).status_code == 200


def test_refused_and_unauthenticated_requests_count_too(
    client: Client, limited: FrozenClock
) -> None:
    for _ in range(3):
        assert client.get("/api/v4/users/me").status_code == 401
    assert_error(client.get("/api/v4/users/me"), 429, "api.context.rate_limit_exceeded.app_error")


def test_each_address_has_its_own_allowance(client: Client, limited: FrozenClock) -> None:
    for _ in range(3):
        client.get(PING, REMOTE_ADDR="10.0.0.1")
    assert client.get(PING, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(PING, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_trusted_proxy_header_names_the_client(
    client: Client, limited: FrozenClock, mm_config
) -> None:
    mm_config(trusted_proxy_ip_header="X-Forwarded-For")
    for _ in range(3):
        client.get(PING, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    assert client.get(PING, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get(PING, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_vary_by_user_counts_per_token(
    client: Client, limited: FrozenClock, mm_config, token: str
) -> None:
    mm_config(rate_limit_vary_by_user=True)
    for _ in range(3):
        client.get(PING, **bearer(token))
    assert client.get(PING, **bearer(token)).status_code == 429
    assert client.get(PING).status_code == 200  # anonymous: counted by address


def test_vary_by_header(client: Client, limited: FrozenClock, mm_config) -> None:
    mm_config(rate_limit_vary_by_header="X-Client")
    for _ in range(3):
        client.get(PING, HTTP_X_CLIENT="A")
    assert client.get(PING, HTTP_X_CLIENT="a").status_code == 429  # values compared lowercased
    assert client.get(PING, HTTP_X_CLIENT="b").status_code == 200


def test_default_rate_keeps_mattermost_burst_and_rate(mm_config) -> None:
    from apps.core.throttling import rate_limit_window

    assert rate_limit_window() == (101, 11)  # 101 at once, about 10 per second after
    mm_config(rate_limit_per_sec=50, rate_limit_max_burst=0)
    assert rate_limit_window() == (1, 1)
