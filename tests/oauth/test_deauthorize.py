"""/oauth/deauthorize: a user withdraws an app's access."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from apps.accounts.models import Session, User
from apps.oauth.models import OAuthAccessData, OAuthApp, OAuthAuthorizationCode
from apps.oauth.selectors import oauth_app_is_authorized
from apps.oauth.services import authorization_code_save, grant_issue, oauth_app_authorize
from tests.helpers import assert_error, bearer
from tests.oauth.conftest import CALLBACK

DEAUTHORIZE = "/oauth/deauthorize"


def deauthorize(client: Client, body: Any, token: str | None = None) -> Any:
    headers = bearer(token) if token else {}
    return client.post(DEAUTHORIZE, json.dumps(body), content_type="application/json", **headers)


def test_deauthorize_ends_the_apps_access_for_the_caller_only(
    client: Client, token: str, user: User, other_user: User, oauth_app: OAuthApp
) -> None:
    _, access_token, _ = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    _, others_token, _ = grant_issue(
        app=oauth_app, user=other_user, redirect_uri=CALLBACK, scope="user"
    )
    oauth_app_authorize(user=user, app=oauth_app, scope="user")
    authorization_code_save(
        app=oauth_app,
        user=user,
        code="c",
        redirect_uri=CALLBACK,
        scope="user",
        state="",
        code_challenge="",
        code_challenge_method="",
    )
    assert client.get("/api/v4/users/me", **bearer(access_token)).status_code == 200

    resp = deauthorize(client, {"client_id": oauth_app.id}, token)
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
    assert_error(
        client.get("/api/v4/users/me", **bearer(access_token)),
        401,
        "api.context.session_expired.app_error",
    )
    assert not oauth_app_is_authorized(user_id=user.id, app_id=oauth_app.id)
    assert not OAuthAuthorizationCode.objects.filter(user=user).exists()
    assert not OAuthAccessData.objects.filter(user=user).exists()
    assert not Session.objects.filter(user=user, is_oauth=True).exists()
    assert client.get("/api/v4/users/me", **bearer(others_token)).status_code == 200


def test_deauthorize_refuses_a_bad_client_id(client: Client, token: str) -> None:
    for body in ({"client_id": "nope"}, {}, ["x"], {"client_id": 5}):
        resp = deauthorize(client, body, token)
        assert_error(resp, 400, "api.context.invalid_body_param.app_error")


def test_deauthorize_needs_a_session(client: Client, oauth_app: OAuthApp) -> None:
    resp = deauthorize(client, {"client_id": oauth_app.id})
    assert_error(resp, 401, "api.context.session_expired.app_error")


def test_deauthorize_is_501_while_the_provider_is_off(
    client: Client, token: str, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    resp = deauthorize(client, {"client_id": oauth_app.id}, token)
    assert_error(resp, 501, "api.oauth.allow_oauth.turn_off.app_error")


def test_deauthorizing_an_unknown_app_is_ok(client: Client, token: str) -> None:
    """As in Mattermost: there is nothing to withdraw, so nothing fails."""
    resp = deauthorize(client, {"client_id": "x" * 26}, token)
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
