"""Ending an app's session ends the app's access: the refresh token goes with it, as in
Mattermost, whichever way the session ended. Only the clean-up of expired sessions
leaves the refresh token, since renewing an expired access token is what it is for."""

from __future__ import annotations

from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import sessions_remove_expired, user_set_active
from apps.core.clock import now_ms
from apps.oauth.models import OAuthAccessData, OAuthApp
from apps.oauth.services import grant_issue
from tests.helpers import bearer
from tests.oauth.conftest import CALLBACK
from tests.oauth.flow import exchange, rfc6749_error


def _issue(user: User, app: OAuthApp) -> tuple[OAuthAccessData, str, str]:
    return grant_issue(app=app, user=user, redirect_uri=CALLBACK, scope="user")


def _refresh(client: Client, app: OAuthApp, refresh_token: str) -> object:
    return exchange(client, app, grant_type="refresh_token", refresh_token=refresh_token)


def test_revoking_the_apps_session_ends_its_refresh_token(
    client: Client, user: User, token: str, oauth_app: OAuthApp
) -> None:
    grant, _, refresh_token = _issue(user, oauth_app)
    resp = client.post(
        f"/api/v4/users/{user.id}/sessions/revoke",
        {"session_id": grant.session_id},
        content_type="application/json",
        **bearer(token),
    )
    assert resp.status_code == 200, resp.content
    rfc6749_error(_refresh(client, oauth_app, refresh_token), 400, "invalid_grant")
    assert not OAuthAccessData.objects.exists()


def test_revoking_all_sessions_ends_the_apps_refresh_tokens(
    client: Client, user: User, token: str, oauth_app: OAuthApp
) -> None:
    _, _, refresh_token = _issue(user, oauth_app)
    resp = client.post(f"/api/v4/users/{user.id}/sessions/revoke/all", **bearer(token))
    assert resp.status_code == 200, resp.content
    rfc6749_error(_refresh(client, oauth_app, refresh_token), 400, "invalid_grant")


def test_a_deactivated_and_reactivated_user_must_authorize_again(
    client: Client, user: User, oauth_app: OAuthApp
) -> None:
    _, _, refresh_token = _issue(user, oauth_app)
    user_set_active(user=user, active=False)
    user_set_active(user=user, active=True)
    rfc6749_error(_refresh(client, oauth_app, refresh_token), 400, "invalid_grant")


def test_the_app_logging_out_ends_its_refresh_token(
    client: Client, user: User, oauth_app: OAuthApp
) -> None:
    _, access_token, refresh_token = _issue(user, oauth_app)
    assert client.post("/api/v4/users/logout", **bearer(access_token)).status_code == 200
    rfc6749_error(_refresh(client, oauth_app, refresh_token), 400, "invalid_grant")


def test_the_clean_up_of_expired_sessions_keeps_the_refresh_token(
    client: Client, user: User, oauth_app: OAuthApp
) -> None:
    grant, _, refresh_token = _issue(user, oauth_app)
    Session.objects.filter(pk=grant.session_id).update(expires_at=now_ms() - 1)
    assert sessions_remove_expired() == 1
    resp = _refresh(client, oauth_app, refresh_token)
    assert resp.status_code == 200, resp.content
