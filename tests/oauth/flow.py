"""Steps of the authorization code flow, driven through the Django test client the way a
browser (the authorize page) and an app's server (the token endpoint) drive them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from apps.oauth.models import OAuthApp
from tests.oauth.conftest import CALLBACK

AUTHORIZE = "/oauth/authorize"
ACCESS_TOKEN = "/oauth/access_token"


def authorize_url(app: OAuthApp, **changes: str) -> str:
    params = {
        "response_type": "code",
        "client_id": app.id,
        "redirect_uri": CALLBACK,
        "state": "st4te",
        **changes,
    }
    return f"{AUTHORIZE}?{urlencode({k: v for k, v in params.items() if v})}"


def browser(session_token: str | None = None) -> Client:
    """A browser that enforces CSRF like a real one, logged in when given a token."""
    client = Client(enforce_csrf_checks=True)
    if session_token:
        client.cookies["MMAUTHTOKEN"] = session_token
    return client


def csrf_form(client: Client, **fields: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **fields}


def callback_params(response: Any) -> dict[str, str]:
    """The query parameters of the redirect to the app's callback."""
    assert response.status_code == 302, (response.status_code, response.content[:300])
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def approve(client: Client, url: str) -> dict[str, str]:
    """Open the consent page and allow the app; the callback's parameters."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    return callback_params(client.post(url, csrf_form(client, answer="allow")))


def exchange(client: Client, app: OAuthApp, **fields: str) -> Any:
    body = {"client_id": app.id, "client_secret": app.client_secret, **fields}
    return client.post(ACCESS_TOKEN, {k: v for k, v in body.items() if v is not None})


def code_exchange(client: Client, app: OAuthApp, code: str, **fields: str) -> Any:
    return exchange(
        client, app, grant_type="authorization_code", code=code, redirect_uri=CALLBACK, **fields
    )


def rfc6749_error(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == error, body
    return body
