"""A real OAuth 2.0 client library (requests-oauthlib, as an app's server would use it)
against the running server: the authorization code flow with PKCE, the refresh grant, and
API calls with the tokens it got."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth2Session

from apps.accounts.models import User
from apps.oauth.models import OAuthApp
from tests.oauth.conftest import CALLBACK

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _form_post(browser: requests.Session, url: str, page: str, **fields: str) -> Any:
    """Post the form of ``page`` (an HTML page of ``url``) as a browser would."""
    match = CSRF_FIELD.search(page)
    assert match, page[:500]
    return browser.post(
        url, data={"csrfmiddlewaretoken": match.group(1), **fields}, allow_redirects=False
    )


def _user_allows(authorization_url: str) -> str:
    """A browser that logs in on the authorization page and allows the app: the callback
    URL the server sends it to."""
    browser = requests.Session()
    login_page = browser.get(authorization_url)
    assert "Log in to authorize" in login_page.text
    logged_in = _form_post(
        browser, authorization_url, login_page.text, login_id="alice", password="passw0rd!"
    )
    assert logged_in.status_code == 303, logged_in.text[:500]
    consent_page = browser.get(authorization_url)
    assert "wants to use your account" in consent_page.text
    allowed = _form_post(browser, authorization_url, consent_page.text, answer="allow")
    assert allowed.status_code == 302, allowed.text[:500]
    location: str = allowed.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return location


@pytest.mark.django_db(transaction=True)
def test_requests_oauthlib_runs_the_code_flow_with_pkce(
    live_server: Any, user: User, oauth_app: OAuthApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the test server speaks http
    token_url = f"{live_server.url}/oauth/access_token"
    app = OAuth2Session(oauth_app.id, redirect_uri=CALLBACK, pkce="S256")
    authorization_url, state = app.authorization_url(f"{live_server.url}/oauth/authorize")
    assert "code_challenge_method=S256" in authorization_url

    callback = _user_allows(authorization_url)
    assert f"state={state}" in callback
    # The library checks the state, sends the verifier, and authenticates by HTTP Basic.
    token = app.fetch_token(
        token_url, authorization_response=callback, client_secret=oauth_app.client_secret
    )
    assert token["token_type"] == "bearer"
    me = app.get(f"{live_server.url}/api/v4/users/me")
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user.id

    refreshed = app.refresh_token(
        token_url, auth=requests.auth.HTTPBasicAuth(oauth_app.id, oauth_app.client_secret)
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert app.get(f"{live_server.url}/api/v4/users/me").json()["id"] == user.id
    old = requests.get(
        f"{live_server.url}/api/v4/users/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert old.status_code == 401
