"""What an app's session (an OAuth access token) may not do, as in Mattermost: approve
apps, mint personal access tokens, change anybody's email address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.oauth.models import OAuthApp
from apps.oauth.services import grant_issue
from tests.helpers import assert_error, bearer
from tests.oauth.conftest import CALLBACK


def _app_token(user: User, app: OAuthApp) -> str:
    return grant_issue(app=app, user=user, redirect_uri=CALLBACK, scope="user")[1]


def _change_email(client: Client, token: str, target: User, how: str, **body: Any) -> Any:
    url = f"/api/v4/users/{target.id}" + ("/patch" if how == "patch" else "")
    if how == "update":
        body = {"id": target.id, "username": target.username, **body}
    return client.put(url, body, content_type="application/json", **bearer(token))


@pytest.mark.parametrize("how", ["patch", "update"])
def test_an_app_may_not_change_the_users_email(
    client: Client, user: User, oauth_app: OAuthApp, how: str
) -> None:
    token = _app_token(user, oauth_app)
    resp = _change_email(client, token, user, how, email="new@example.com", password="passw0rd!")
    assert_error(resp, 403, "api.context.permissions.app_error")
    user.refresh_from_db()
    assert user.email != "new@example.com"


def test_an_app_of_an_admin_may_not_change_other_users_emails(
    client: Client, admin: User, other_user: User, oauth_app: OAuthApp
) -> None:
    token = _app_token(admin, oauth_app)
    resp = _change_email(client, token, other_user, "patch", email="taken@example.com")
    assert_error(resp, 403, "api.context.permissions.app_error")
    other_user.refresh_from_db()
    assert other_user.email != "taken@example.com"


def test_an_app_may_change_other_fields_and_resend_the_same_email(
    client: Client, user: User, oauth_app: OAuthApp
) -> None:
    token = _app_token(user, oauth_app)
    resp = _change_email(client, token, user, "patch", email=user.email, nickname="Al")
    assert resp.status_code == 200, resp.content
    assert resp.json()["nickname"] == "Al"


def test_an_app_may_not_create_personal_access_tokens(
    client: Client, user: User, oauth_app: OAuthApp, mm_config: Any
) -> None:
    mm_config(enable_user_access_tokens=True)
    token = _app_token(user, oauth_app)
    resp = client.post(
        f"/api/v4/users/{user.id}/tokens",
        {"description": "mine now"},
        content_type="application/json",
        **bearer(token),
    )
    assert_error(resp, 403, "api.context.permissions.app_error")
