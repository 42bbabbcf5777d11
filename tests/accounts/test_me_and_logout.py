from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


def test_me_returns_the_user_without_secrets(client: Client, user: User, token: str) -> None:
    response = client.get("/api/v4/users/me", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.id
    assert body["username"] == "alice"
    assert body["email"] == "alice@example.com"
    assert body["roles"] == "system_user"
    assert body["auth_data"] == ""
    assert body["notify_props"]["push"] == "mention"
    assert body["timezone"]["useAutomaticTimezone"] == "true"
    for secret in ("password", "mfa_secret", "token_hash"):
        assert secret not in body
    assert user.password not in response.content.decode()


def test_me_omits_empty_optional_fields(client: Client, token: str) -> None:
    body = client.get("/api/v4/users/me", **bearer(token)).json()
    assert "failed_attempts" not in body
    assert "is_bot" not in body
    assert body["delete_at"] == 0  # always present


def test_logout_ends_the_session(client: Client, user: User, token: str) -> None:
    response = client.post("/api/v4/users/logout", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {"status": "OK"}
    assert response.cookies["MMAUTHTOKEN"]["max-age"] == 0
    assert not Session.objects.filter(user=user).exists()
    assert_error(
        client.get("/api/v4/users/me", **bearer(token)),
        401,
        "api.context.session_expired.app_error",
    )


def test_logout_without_a_session_is_fine(client: Client) -> None:
    response = client.post("/api/v4/users/logout")
    assert response.status_code == 200
    assert response.json() == {"status": "OK"}


def test_logout_ends_only_this_session(client: Client, user: User, login) -> None:
    _, first = login(user)
    _, second = login(user)
    client.post("/api/v4/users/logout", **bearer(first))
    assert client.get("/api/v4/users/me", **bearer(second)).status_code == 200
