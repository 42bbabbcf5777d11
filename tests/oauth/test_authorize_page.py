"""/oauth/authorize: the server-rendered login and consent pages, their CSRF protection,
and the JSON form of the route Mattermost's web app posts to."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.core.ids import new_id
from apps.oauth.models import OAuthApp, OAuthAuthorizationCode
from apps.oauth.selectors import oauth_app_is_authorized
from apps.oauth.services import grant_issue
from tests.helpers import assert_error, bearer
from tests.oauth.conftest import CALLBACK, pkce_pair
from tests.oauth.flow import AUTHORIZE, authorize_url, browser, callback_params, csrf_form

# --- the page -----------------------------------------------------------------------


def test_consent_page_names_the_app_and_the_user(token: str, oauth_app: OAuthApp) -> None:
    page = browser(token).get(authorize_url(oauth_app))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Zapper wants to use your account" in html
    assert "alice" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert page["Cache-Control"].startswith("max-age=0")
    assert not OAuthAuthorizationCode.objects.exists()


def test_the_pages_escape_what_the_app_says_and_may_not_be_framed(
    token: str, make_app: Callable[..., OAuthApp]
) -> None:
    app = make_app(name="<script>x()</script>", description='<img src=x onerror="y()">')
    for session_token in (token, None):  # the consent page, then the login page
        page = browser(session_token).get(authorize_url(app))
        html = page.content.decode()
        assert "&lt;script&gt;x()&lt;/script&gt;" in html
        assert "<script>" not in html
        assert "<img src=x" not in html
        assert page["X-Frame-Options"] == "SAMEORIGIN"
        assert page["Content-Security-Policy"] == "frame-ancestors 'self'"
    error_page = browser(token).get(authorize_url(app, redirect_uri="https://evil.example.com"))
    assert error_page.status_code == 400
    assert error_page["X-Frame-Options"] == "SAMEORIGIN"


def test_consent_post_without_the_csrf_token_is_refused(
    token: str, user: User, oauth_app: OAuthApp
) -> None:
    client = browser(token)
    url = authorize_url(oauth_app)
    client.get(url)
    resp = client.post(url, {"answer": "allow"})
    assert resp.status_code == 403
    assert not OAuthAuthorizationCode.objects.exists()
    assert not oauth_app_is_authorized(user_id=user.id, app_id=oauth_app.id)


def test_allowing_records_the_authorization_and_the_pkce_challenge(
    token: str, user: User, oauth_app: OAuthApp
) -> None:
    client = browser(token)
    _, challenge = pkce_pair()
    url = authorize_url(oauth_app, code_challenge=challenge, code_challenge_method="S256")
    client.get(url)
    params = callback_params(client.post(url, csrf_form(client, answer="allow")))
    assert set(params) == {"code", "state"}
    code = OAuthAuthorizationCode.objects.get()
    assert code.code_hash != params["code"]
    assert (code.user_id, code.code_challenge, code.scope) == (user.id, challenge, "user")
    assert oauth_app_is_authorized(user_id=user.id, app_id=oauth_app.id)


def test_denying_sends_access_denied_to_the_app(
    token: str, user: User, oauth_app: OAuthApp
) -> None:
    client = browser(token)
    url = authorize_url(oauth_app)
    client.get(url)
    params = callback_params(client.post(url, csrf_form(client, answer="deny")))
    assert params == {"error": "access_denied", "state": "st4te"}
    assert not OAuthAuthorizationCode.objects.exists()
    assert not oauth_app_is_authorized(user_id=user.id, app_id=oauth_app.id)


def test_trusted_apps_skip_the_consent(token: str, make_app: Callable[..., OAuthApp]) -> None:
    trusted = make_app(is_trusted=True)
    params = callback_params(browser(token).get(authorize_url(trusted)))
    assert params["state"] == "st4te"
    assert OAuthAuthorizationCode.objects.filter(app=trusted).count() == 1


def test_a_logged_out_visitor_gets_a_login_form_and_then_the_consent_page(
    user: User, oauth_app: OAuthApp
) -> None:
    client = browser()
    url = authorize_url(oauth_app)
    page = client.get(url)
    assert page.status_code == 200
    assert "Log in to authorize Zapper" in page.content.decode()

    wrong = client.post(url, csrf_form(client, login_id="alice", password="wrong"))
    assert wrong.status_code == 401
    assert "Log in to authorize" in wrong.content.decode()
    assert "MMAUTHTOKEN" not in wrong.cookies

    resp = client.post(url, csrf_form(client, login_id="alice", password="passw0rd!"))
    assert resp.status_code == 303
    assert resp["Location"] == url
    assert resp.cookies["MMAUTHTOKEN"]["httponly"]
    assert Session.objects.filter(user=user, is_oauth=False).count() == 1
    consent = client.get(url)
    assert "Zapper wants to use your account" in consent.content.decode()


def test_the_login_form_is_csrf_protected(user: User, oauth_app: OAuthApp) -> None:
    client = browser()
    url = authorize_url(oauth_app)
    client.get(url)
    resp = client.post(url, {"login_id": "alice", "password": "passw0rd!"})
    assert resp.status_code == 403
    assert not Session.objects.filter(user=user).exists()


def test_an_oauth_session_cookie_does_not_count_as_logged_in(
    user: User, oauth_app: OAuthApp
) -> None:
    _, access_token, _ = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    page = browser(access_token).get(authorize_url(oauth_app))
    assert "Log in to authorize" in page.content.decode()


def test_consent_post_of_a_logged_out_visitor_is_refused(oauth_app: OAuthApp) -> None:
    client = browser()
    url = authorize_url(oauth_app)
    client.get(url)
    resp = client.post(url, csrf_form(client, answer="allow"))
    assert resp.status_code == 401
    assert not OAuthAuthorizationCode.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status", "error_id"),
    [
        ({"client_id": "nope"}, 400, "model.authorize.is_valid.client_id.app_error"),
        ({"client_id": new_id()}, 404, "app.oauth.get_app.find.app_error"),
        ({"response_type": ""}, 400, "model.authorize.is_valid.response_type.app_error"),
        ({"redirect_uri": ""}, 400, "model.authorize.is_valid.redirect_uri.app_error"),
        (
            {"redirect_uri": "https://evil.example.com/cb"},
            400,
            "api.oauth.allow_oauth.redirect_callback.app_error",
        ),
        ({"state": "s" * 1025}, 400, "model.authorize.is_valid.state.app_error"),
        ({"state": "s\x00"}, 400, "model.authorize.is_valid.state.app_error"),
        ({"scope": "user\x00"}, 400, "model.authorize.is_valid.scope.app_error"),
        (
            {"code_challenge": "c" * 43, "code_challenge_method": "plain"},
            400,
            "model.authorize.is_valid.code_challenge_method.unsupported.app_error",
        ),
        (
            {"code_challenge": "short", "code_challenge_method": "S256"},
            400,
            "model.authorize.is_valid.code_challenge.length.app_error",
        ),
        (
            {"code_challenge": "c" * 43},
            400,
            "model.authorize.is_valid.code_challenge_method.app_error",
        ),
    ],
)
def test_bad_requests_get_an_error_page(
    token: str, oauth_app: OAuthApp, changes: dict[str, str], status: int, error_id: str
) -> None:
    page = browser(token).get(authorize_url(oauth_app, **changes))
    assert page.status_code == status
    assert error_id in page.content.decode()
    assert page["Content-Type"].startswith("text/html")


def test_an_unsupported_response_type_is_sent_back_to_the_app(
    token: str, make_app: Callable[..., OAuthApp]
) -> None:
    trusted = make_app(is_trusted=True)
    params = callback_params(browser(token).get(authorize_url(trusted, response_type="token")))
    assert params == {"error": "unsupported_response_type", "state": "st4te"}


def test_the_page_is_501_while_the_provider_is_off(
    token: str, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    page = browser(token).get(authorize_url(oauth_app))
    assert page.status_code == 501
    assert "api.oauth.authorize_oauth.disabled.app_error" in page.content.decode()


def test_other_methods_are_not_allowed(token: str, oauth_app: OAuthApp) -> None:
    assert browser(token).put(authorize_url(oauth_app)).status_code == 405


# --- the JSON route -----------------------------------------------------------------


def json_request(app: OAuthApp, **changes: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": app.id,
        "redirect_uri": CALLBACK,
        "state": "st4te",
        **changes,
    }


def post_json(client: Client, body: object, token: str | None = None) -> object:
    headers = bearer(token) if token else {}
    return client.post(AUTHORIZE, json.dumps(body), content_type="application/json", **headers)


def test_json_authorize_answers_the_redirect(
    client: Client, token: str, user: User, oauth_app: OAuthApp
) -> None:
    resp = post_json(client, json_request(oauth_app), token)
    assert resp.status_code == 200, resp.content  # type: ignore[attr-defined]
    redirect = resp.json()["redirect"]  # type: ignore[attr-defined]
    assert redirect.startswith(f"{CALLBACK}?")
    assert "code=" in redirect
    assert "state=st4te" in redirect
    assert oauth_app_is_authorized(user_id=user.id, app_id=oauth_app.id)


def test_json_authorize_refuses_bad_requests(
    client: Client, token: str, oauth_app: OAuthApp
) -> None:
    assert_error(post_json(client, ["x"], token), 400, "api.context.invalid_body_param.app_error")
    resp = post_json(client, json_request(oauth_app, client_id=new_id()), token)
    assert_error(resp, 404, "app.oauth.get_app.find.app_error")
    resp = post_json(
        client, json_request(oauth_app, redirect_uri="https://evil.example.com"), token
    )
    assert_error(resp, 400, "api.oauth.allow_oauth.redirect_callback.app_error")


def test_json_authorize_needs_a_login_session(
    client: Client, user: User, oauth_app: OAuthApp
) -> None:
    assert_error(
        post_json(client, json_request(oauth_app)), 401, "api.context.session_expired.app_error"
    )
    _, access_token, _ = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    resp = post_json(client, json_request(oauth_app), access_token)
    assert_error(resp, 403, "api.context.permissions.app_error")


def test_json_authorize_is_501_while_the_provider_is_off(
    client: Client, token: str, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    resp = post_json(client, json_request(oauth_app), token)
    assert_error(resp, 501, "api.oauth.allow_oauth.turn_off.app_error")


def test_the_forms_are_501_while_the_provider_is_off(
    user: User, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    client = browser()
    url = authorize_url(oauth_app)
    client.get(url)
    mm_config(enable_oauth_service_provider=False)
    resp = client.post(url, csrf_form(client, login_id="alice", password="passw0rd!"))
    assert resp.status_code == 501
    assert not Session.objects.filter(user=user).exists()


@pytest.mark.usefixtures("frozen_rate_limit_clock")
def test_the_pages_and_forms_count_against_the_rate_limit(
    user: User, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    """Password guesses through the login form are limited like API logins."""
    mm_config(rate_limit_enable=True, rate_limit_per_sec=1, rate_limit_max_burst=2)
    client = browser()
    url = authorize_url(oauth_app)
    assert client.get(url).status_code == 200
    form = csrf_form(client, login_id="alice", password="wrong")
    assert client.post(url, form).status_code == 401
    assert client.post(url, form).status_code == 401
    refused = client.post(url, form)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused["X-Ratelimit-Remaining"] == "0"
    assert "api.context.rate_limit_exceeded.app_error" in refused.content.decode()
    assert client.get(url).status_code == 429


def test_the_login_form_honours_the_lockout(
    user: User, oauth_app: OAuthApp, mm_config: Callable[..., None]
) -> None:
    mm_config(maximum_login_attempts=2)
    client = browser()
    url = authorize_url(oauth_app)
    client.get(url)
    for _ in range(2):
        client.post(url, csrf_form(client, login_id="alice", password="wrong"))
    resp = client.post(url, csrf_form(client, login_id="alice", password="passw0rd!"))
    assert resp.status_code == 401
    assert "MMAUTHTOKEN" not in resp.cookies
    assert not Session.objects.filter(user=user).exists()


def test_the_login_form_refuses_nul_characters(user: User, oauth_app: OAuthApp) -> None:
    """PostgreSQL cannot compare text with NUL in it: the form must not ask it to."""
    client = browser()
    url = authorize_url(oauth_app)
    client.get(url)
    for login_id, password in (("alice\x00", "passw0rd!"), ("alice", "passw0rd!\x00")):
        resp = client.post(url, csrf_form(client, login_id=login_id, password=password))
        assert resp.status_code == 401
        assert "Log in to authorize" in resp.content.decode()
        assert "MMAUTHTOKEN" not in resp.cookies
