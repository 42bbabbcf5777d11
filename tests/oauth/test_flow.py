"""The whole authorization code flow with PKCE: the consent page, the code, the token
exchange, API calls with the token, the refresh grant."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.oauth import services
from apps.oauth.models import OAuthAccessData, OAuthApp
from tests.helpers import assert_error, bearer
from tests.oauth.conftest import CALLBACK, pkce_pair
from tests.oauth.flow import (
    approve,
    authorize_url,
    browser,
    code_exchange,
    exchange,
    rfc6749_error,
)

ME = "/api/v4/users/me"


def test_authorization_code_flow_with_pkce_ends_in_api_calls(
    token: str, user: User, oauth_app: OAuthApp
) -> None:
    verifier, challenge = pkce_pair()
    url = authorize_url(oauth_app, code_challenge=challenge, code_challenge_method="S256")
    params = approve(browser(token), url)
    assert params["state"] == "st4te"
    code = params["code"]

    app_server = Client()
    wrong = code_exchange(app_server, oauth_app, code, code_verifier=pkce_pair()[0])
    rfc6749_error(wrong, 400, "invalid_grant")
    rfc6749_error(code_exchange(app_server, oauth_app, code), 400, "invalid_request")

    resp = code_exchange(app_server, oauth_app, code, code_verifier=verifier)
    assert resp.status_code == 200, resp.content
    assert resp["Cache-Control"].startswith("no-store")
    granted = resp.json()
    assert set(granted) == {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert granted["token_type"] == "bearer"
    assert granted["scope"] == "user"
    assert granted["expires_in"] == 720 * 3600
    access_token = granted["access_token"]

    reused = code_exchange(app_server, oauth_app, code, code_verifier=verifier)
    rfc6749_error(reused, 400, "invalid_grant")

    by_header = app_server.get(ME, **bearer(access_token))
    assert by_header.status_code == 200
    assert by_header.json()["id"] == user.id
    by_query = app_server.get(ME, {"access_token": access_token})
    assert by_query.status_code == 200
    assert by_query.json()["id"] == user.id

    session = Session.objects.get(oauth_grant__app=oauth_app)
    assert session.is_oauth
    assert session.props["oauth_app_id"] == oauth_app.id
    assert session.props["platform"] == oauth_app.name

    refreshed = exchange(
        app_server, oauth_app, grant_type="refresh_token", refresh_token=granted["refresh_token"]
    )
    assert refreshed.status_code == 200, refreshed.content
    renewed = refreshed.json()
    assert renewed["access_token"] != access_token
    assert renewed["refresh_token"] != granted["refresh_token"]
    assert app_server.get(ME, **bearer(renewed["access_token"])).status_code == 200
    old = app_server.get(ME, **bearer(access_token))
    assert_error(old, 401, "api.context.session_expired.app_error")
    stale = exchange(
        app_server, oauth_app, grant_type="refresh_token", refresh_token=granted["refresh_token"]
    )
    rfc6749_error(stale, 400, "invalid_grant")
    assert OAuthAccessData.objects.filter(app=oauth_app, user=user).count() == 1


def test_a_login_session_token_is_refused_in_the_url(client: Client, token: str) -> None:
    resp = client.get(ME, {"access_token": token})
    assert_error(resp, 401, "api.context.token_provided.app_error")


def test_flow_without_pkce(token: str, oauth_app: OAuthApp) -> None:
    code = approve(browser(token), authorize_url(oauth_app))["code"]
    resp = code_exchange(Client(), oauth_app, code)
    assert resp.status_code == 200, resp.content
    assert Client().get(ME, **bearer(resp.json()["access_token"])).status_code == 200


def test_a_verifier_for_a_code_issued_without_pkce_is_refused(
    token: str, oauth_app: OAuthApp
) -> None:
    code = approve(browser(token), authorize_url(oauth_app))["code"]
    resp = code_exchange(Client(), oauth_app, code, code_verifier=pkce_pair()[0])
    rfc6749_error(resp, 400, "invalid_grant")


def test_a_second_grant_replaces_the_first(token: str, user: User, oauth_app: OAuthApp) -> None:
    """One grant per user and app: authorizing again ends the earlier access token."""
    app_server = Client()
    first = code_exchange(
        app_server, oauth_app, approve(browser(token), authorize_url(oauth_app))["code"]
    )
    # Authorized once, the app is not asked about again: straight back with a code.
    again = browser(token).get(authorize_url(oauth_app))
    assert again.status_code == 302
    code = again["Location"].split("code=")[1].split("&")[0]
    second = code_exchange(app_server, oauth_app, code)
    assert second.status_code == 200
    assert app_server.get(ME, **bearer(first.json()["access_token"])).status_code == 401
    assert app_server.get(ME, **bearer(second.json()["access_token"])).status_code == 200
    assert OAuthAccessData.objects.filter(user=user).count() == 1


def test_two_exchanges_at_once_leave_one_grant(
    monkeypatch: pytest.MonkeyPatch, token: str, user: User, oauth_app: OAuthApp
) -> None:
    """A double click on Allow gives the app two codes; if it exchanges both at once, the
    other exchange may commit its grant between this one's clean-up and insert. This one
    then replaces it instead of failing on the one-grant-per-user-and-app constraint."""
    client = browser(token)
    code = approve(client, authorize_url(oauth_app))["code"]
    end_grants = services._end_grants
    raced = []

    def end_grants_then_lose_the_race(grants: list[OAuthAccessData]) -> None:
        end_grants(grants)
        if not raced:  # the other exchange, once
            raced.append(True)
            services.grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")

    monkeypatch.setattr(services, "_end_grants", end_grants_then_lose_the_race)
    resp = code_exchange(Client(), oauth_app, code)
    assert resp.status_code == 200, resp.content
    grant = OAuthAccessData.objects.get()
    assert grant.session is not None
    assert Session.objects.filter(is_oauth=True).get() == grant.session
    assert Client().get(ME, **bearer(resp.json()["access_token"])).status_code == 200
