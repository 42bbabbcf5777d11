"""What the API v1 tests share: a team "alpha" (alice its admin, bob a member), sessions
logged into it, and a small client that speaks to /api/v1/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import SESSION_PROP_V1_TEAM
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add

V1_ERROR_KEYS = {"message", "detailed_error", "request_id", "status_code", "is_oauth"}


class V1Api:
    """Requests to /api/v1/ as the holder of ``token`` (anonymous without one)."""

    def __init__(self, client: Client, token: str = "") -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, Any]) -> dict[str, Any]:
        if self.token:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return extra

    def get(self, path: str, **extra: Any) -> HttpResponse:
        return self.client.get(f"/api/v1/{path}", **self._headers(extra))

    def post(self, path: str, body: Any = None, **extra: Any) -> HttpResponse:
        data = "" if body is None else json.dumps(body)
        return self.client.post(
            f"/api/v1/{path}", data, content_type="application/json", **self._headers(extra)
        )

    def raw_post(self, path: str, data: bytes | str, **extra: Any) -> HttpResponse:
        return self.client.generic(
            "POST", f"/api/v1/{path}", data, "application/json", **self._headers(extra)
        )

    def as_(self, token: str) -> V1Api:
        return V1Api(self.client, token)


def assert_v1_error(response: HttpResponse, status: int, message: str = "") -> dict[str, Any]:
    """The response is Mattermost 1.x's error body (no ``id``) with this status (and, when
    given, this message)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == V1_ERROR_KEYS, body
    assert body["status_code"] == status
    assert body["is_oauth"] is False
    assert body["request_id"] == response["X-Request-Id"]
    assert body["message"]
    if message:
        assert body["message"] == message, body
    return body


def assert_v1_not_found_page(response: HttpResponse) -> None:
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.fixture
def alpha(user: User, other_user: User) -> Team:
    """Team "alpha": alice (``user``) created it and administers it; bob is a member."""
    team = team_create(creator=user, display_name="Alpha Team", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def v1_login(login: Callable[..., tuple[Session, str]]) -> Callable[[User, Team], str]:
    """A token of a session opened by a v1 login of ``user`` into ``team``."""

    def make(user: User, team: Team) -> str:
        return login(user, props={SESSION_PROP_V1_TEAM: team.id})[1]

    return make


@pytest.fixture
def v1(client: Client, user: User, alpha: Team, v1_login: Callable[[User, Team], str]) -> V1Api:
    """Alice, logged into alpha."""
    return V1Api(client, v1_login(user, alpha))


@pytest.fixture
def v1_bob(
    client: Client, other_user: User, alpha: Team, v1_login: Callable[[User, Team], str]
) -> V1Api:
    """Bob, logged into alpha."""
    return V1Api(client, v1_login(other_user, alpha))


@pytest.fixture
def v1_anon(client: Client) -> V1Api:
    return V1Api(client)
