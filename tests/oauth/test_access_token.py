"""/oauth/access_token: how refused exchanges are answered (RFC 6749 error bodies)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import user_set_active
from apps.core.clock import now_ms
from apps.oauth.models import (
    AUTH_CODE_LIFETIME_SECONDS,
    OAuthAccessData,
    OAuthApp,
    OAuthAuthorizationCode,
)
from apps.oauth.services import authorization_code_save, grant_issue
from tests.helpers import assert_error
from tests.oauth.conftest import CALLBACK
from tests.oauth.flow import ACCESS_TOKEN, code_exchange, exchange, rfc6749_error


@pytest.fixture
def code(user: User, oauth_app: OAuthApp) -> str:
    authorization_code_save(
        app=oauth_app,
        user=user,
        code="the-code",
        redirect_uri=CALLBACK,
        scope="user",
        state="",
        code_challenge="",
        code_challenge_method="",
    )
    return "the-code"


def test_a_wrong_secret_is_invalid_client(client: Client, oauth_app: OAuthApp, code: str) -> None:
    resp = code_exchange(client, oauth_app, code, client_secret="wrong")
    rfc6749_error(resp, 401, "invalid_client")
    assert OAuthAuthorizationCode.objects.exists()


def test_an_unknown_client_is_invalid_client(client: Client, code: str) -> None:
    resp = client.post(
        ACCESS_TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "x" * 26,
            "client_secret": "s",
        },
    )
    rfc6749_error(resp, 401, "invalid_client")


def test_a_regenerated_secret_replaces_the_old_one(
    client: Client, oauth_app: OAuthApp, code: str
) -> None:
    old_secret = oauth_app.client_secret
    oauth_app.client_secret = "n" * 26
    oauth_app.save()
    rfc6749_error(
        code_exchange(client, oauth_app, code, client_secret=old_secret), 401, "invalid_client"
    )
    assert code_exchange(client, oauth_app, code).status_code == 200


def test_another_apps_code_is_invalid_grant(
    client: Client, make_app: Callable[..., OAuthApp], code: str
) -> None:
    rfc6749_error(code_exchange(client, make_app(name="Other"), code), 400, "invalid_grant")


def test_an_expired_code_is_invalid_grant_and_dropped(
    client: Client, oauth_app: OAuthApp, code: str
) -> None:
    OAuthAuthorizationCode.objects.update(
        create_at=now_ms() - AUTH_CODE_LIFETIME_SECONDS * 1000 - 1
    )
    rfc6749_error(code_exchange(client, oauth_app, code), 400, "invalid_grant")
    assert not OAuthAuthorizationCode.objects.exists()


def test_a_different_redirect_uri_is_refused(
    client: Client, oauth_app: OAuthApp, code: str
) -> None:
    resp = exchange(
        client,
        oauth_app,
        grant_type="authorization_code",
        code=code,
        redirect_uri="https://app.example.com/other",
    )
    rfc6749_error(resp, 400, "invalid_request")
    resp = exchange(client, oauth_app, grant_type="authorization_code", code=code)
    rfc6749_error(resp, 400, "invalid_request")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"grant_type": "authorization_code"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        (
            {"grant_type": "password", "username": "alice", "password": "x"},
            "unsupported_grant_type",
        ),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant"),
    ],
)
def test_incomplete_or_unknown_grants_are_refused(
    client: Client, oauth_app: OAuthApp, fields: dict[str, str], error: str
) -> None:
    rfc6749_error(exchange(client, oauth_app, **fields), 400, error)


def test_a_refresh_token_works_only_for_its_app(
    client: Client, user: User, oauth_app: OAuthApp, make_app: Callable[..., OAuthApp]
) -> None:
    _, _, refresh_token = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    other = make_app(name="Other")
    resp = exchange(client, other, grant_type="refresh_token", refresh_token=refresh_token)
    rfc6749_error(resp, 400, "invalid_grant")


def test_a_deactivated_users_code_is_refused(
    client: Client, user: User, oauth_app: OAuthApp, code: str
) -> None:
    user_set_active(user=user, active=False)
    rfc6749_error(code_exchange(client, oauth_app, code), 400, "invalid_grant")


def test_only_post_is_allowed(client: Client, db: None) -> None:
    assert client.get(ACCESS_TOKEN).status_code == 405


def test_the_endpoint_is_501_while_the_provider_is_off(
    client: Client, oauth_app: OAuthApp, code: str, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    resp = code_exchange(client, oauth_app, code)
    assert_error(resp, 501, "api.oauth.get_access_token.disabled.app_error")


def basic(client_id: str, secret: str) -> dict[str, str]:
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}"}


def test_the_client_may_authenticate_with_http_basic(
    client: Client, user: User, oauth_app: OAuthApp, code: str
) -> None:
    """RFC 6749's default (client_secret_basic), which OAuth client libraries use."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    resp = client.post(ACCESS_TOKEN, form, **basic(oauth_app.id, oauth_app.client_secret))
    assert resp.status_code == 200, resp.content
    refresh = {"grant_type": "refresh_token", "refresh_token": resp.json()["refresh_token"]}
    resp = client.post(ACCESS_TOKEN, refresh, **basic(oauth_app.id, oauth_app.client_secret))
    assert resp.status_code == 200, resp.content


@pytest.mark.parametrize(
    "authorization",
    [
        "wrong-secret",
        "Basic !!not-base64!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
    ],
)
def test_bad_http_basic_credentials_are_invalid_client(
    client: Client, oauth_app: OAuthApp, code: str, authorization: str
) -> None:
    headers = (
        basic(oauth_app.id, "wrong")
        if authorization == "wrong-secret"
        else {"HTTP_AUTHORIZATION": authorization}
    )
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    rfc6749_error(client.post(ACCESS_TOKEN, form, **headers), 401, "invalid_client")
    assert OAuthAuthorizationCode.objects.exists()


def test_http_basic_and_the_form_must_name_the_same_client(
    client: Client, oauth_app: OAuthApp, make_app: Callable[..., OAuthApp], code: str
) -> None:
    other = make_app(name="Other")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": other.id,
    }
    resp = client.post(ACCESS_TOKEN, form, **basic(oauth_app.id, oauth_app.client_secret))
    rfc6749_error(resp, 401, "invalid_client")


def test_token_answers_are_never_cached(client: Client, oauth_app: OAuthApp, code: str) -> None:
    for _ in range(2):  # the answer with the tokens, then the refusal of the used code
        resp = code_exchange(client, oauth_app, code)
        assert resp["Cache-Control"] == "no-store"
        assert resp["Pragma"] == "no-cache"


@pytest.mark.parametrize(
    "verifier",
    ["a" * 42, "a" * 129, "a" * 42 + "!", "a" * 42 + " ", "a" * 42 + "é"],
    ids=["short", "long", "punctuation", "space", "non-ascii"],
)
def test_a_malformed_pkce_verifier_is_refused(
    client: Client, user: User, oauth_app: OAuthApp, verifier: str
) -> None:
    """RFC 7636 4.1: 43 to 128 unreserved characters. Each of these is the verifier the
    challenge was made from, so only the format check can refuse it."""
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    authorization_code_save(
        app=oauth_app,
        user=user,
        code="pkce-code",
        redirect_uri=CALLBACK,
        scope="user",
        state="",
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    resp = code_exchange(client, oauth_app, "pkce-code", code_verifier=verifier)
    rfc6749_error(resp, 400, "invalid_request")
    assert not OAuthAccessData.objects.exists()
