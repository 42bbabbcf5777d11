"""Every account route that needs a session answers 401 with Mattermost's body without
one, and the same with a token that is not (or no longer) valid."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/api/v4/users"),
    ("get", "/api/v4/users/me"),
    ("get", "/api/v4/users/{id}"),
    ("put", "/api/v4/users/{id}"),
    ("delete", "/api/v4/users/{id}"),
    ("get", "/api/v4/users/username/alice"),
    ("get", "/api/v4/users/email/alice@example.com"),
    ("post", "/api/v4/users/ids"),
    ("post", "/api/v4/users/usernames"),
    ("post", "/api/v4/users/search"),
    ("get", "/api/v4/users/autocomplete?name=a"),
    ("get", "/api/v4/users/stats"),
    ("put", "/api/v4/users/{id}/patch"),
    ("put", "/api/v4/users/{id}/active"),
    ("put", "/api/v4/users/{id}/roles"),
    ("put", "/api/v4/users/{id}/password"),
    ("get", "/api/v4/users/{id}/image"),
    ("post", "/api/v4/users/{id}/image"),
    ("delete", "/api/v4/users/{id}/image"),
    ("get", "/api/v4/users/{id}/preferences"),
    ("put", "/api/v4/users/{id}/preferences"),
    ("post", "/api/v4/users/{id}/preferences/delete"),
    ("get", "/api/v4/users/{id}/status"),
    ("put", "/api/v4/users/{id}/status"),
    ("post", "/api/v4/users/status/ids"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("token", [None, "x" * 26], ids=["no-token", "bad-token"])
def test_needs_a_session(
    client: Client, user: User, method: str, path: str, token: str | None
) -> None:
    headers = bearer(token) if token else {}
    response = (
        getattr(client, method)(
            path.format(id=user.id), "[]", content_type="application/json", **headers
        )
        if method != "get"
        else client.get(path.format(id=user.id), **headers)
    )
    assert_error(response, 401, "api.context.session_expired.app_error")
