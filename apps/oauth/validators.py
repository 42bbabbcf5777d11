"""What Mattermost accepts in an OAuth app's fields and in an authorization request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from apps.core.errors import AppError, invalid_body_param
from apps.core.ids import is_valid_id

# Longest text of each field, in characters, as Mattermost checks them.
NAME_MAX = 64
DESCRIPTION_MAX = 512
ICON_URL_MAX = 512
HOMEPAGE_MAX = 256
CALLBACKS_TOTAL_MAX = 1024
MATTERMOST_APP_ID_MAX = 32
REDIRECT_URI_MAX = 256
STATE_MAX = 1024
SCOPE_MAX = 128

PKCE_METHOD_S256 = "S256"
_CODE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]+")
CODE_CHALLENGE_LENGTHS = range(43, 129)


def has_nul(value: str) -> bool:
    """Whether ``value`` holds a NUL character, which PostgreSQL cannot store."""
    return "\x00" in value


def _is_control_or_space(char: str) -> bool:
    return char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F


def is_valid_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host, as Mattermost's IsValidHTTPURL wants it (Go's
    URL parser refuses control characters too)."""
    if not value.startswith(("http://", "https://")) or any(map(_is_control_or_space, value)):
        return False
    try:
        return bool(urlsplit(value).netloc)
    except ValueError:
        return False


def _field_error(field: str, message: str) -> AppError:
    return AppError(f"model.oauth.is_valid.{field}.app_error", message, 400)


@dataclass(frozen=True)
class AppFields:
    """The fields of an app its managers may set."""

    name: str
    description: str
    icon_url: str
    callback_urls: list[str]
    homepage: str
    is_trusted: bool
    mattermost_app_id: str


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid_body_param("oauth_app")
    return value


def app_fields_from_body(data: dict[str, Any]) -> AppFields:
    """The app fields of a request body, type-checked (values are checked by
    ``validate_app_fields``)."""
    callbacks = data.get("callback_urls")
    if callbacks is None:
        callbacks = []
    if not isinstance(callbacks, list) or not all(isinstance(url, str) for url in callbacks):
        raise invalid_body_param("oauth_app")
    trusted = data.get("is_trusted", False)
    if not isinstance(trusted, bool):
        raise invalid_body_param("oauth_app")
    return AppFields(
        name=_text(data, "name"),
        description=_text(data, "description"),
        icon_url=_text(data, "icon_url"),
        callback_urls=callbacks,
        homepage=_text(data, "homepage"),
        is_trusted=trusted,
        mattermost_app_id=_text(data, "mattermost_app_id"),
    )


def validate_app_fields(fields: AppFields) -> None:
    if not fields.name or len(fields.name) > NAME_MAX or has_nul(fields.name):
        raise _field_error("name", f"An app needs a name of at most {NAME_MAX} characters.")
    callbacks_length = len(" ".join(fields.callback_urls)) + 2
    if (
        not fields.callback_urls
        or callbacks_length > CALLBACKS_TOTAL_MAX
        or not all(is_valid_http_url(url) for url in fields.callback_urls)
    ):
        raise _field_error("callback", "An app needs one or more http(s) callback URLs.")
    if len(fields.homepage) > HOMEPAGE_MAX or not is_valid_http_url(fields.homepage):
        raise _field_error("homepage", "An app needs an http(s) homepage URL.")
    if len(fields.description) > DESCRIPTION_MAX or has_nul(fields.description):
        raise _field_error(
            "description", f"A description may be at most {DESCRIPTION_MAX} characters long."
        )
    if fields.icon_url and (
        len(fields.icon_url) > ICON_URL_MAX or not is_valid_http_url(fields.icon_url)
    ):
        raise _field_error("icon_url", "The icon URL must be an http(s) URL.")
    if len(fields.mattermost_app_id) > MATTERMOST_APP_ID_MAX or has_nul(fields.mattermost_app_id):
        raise _field_error("mattermost_app_id", "The Mattermost app id is too long.")


@dataclass(frozen=True)
class AuthorizeRequest:
    """The parameters of an authorization request (``/oauth/authorize``)."""

    response_type: str
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    code_challenge: str
    code_challenge_method: str

    @classmethod
    def from_params(cls, params: Any) -> AuthorizeRequest:
        """From a query string, a form or a JSON object; non-text values read as empty."""

        def text(name: str) -> str:
            value = params.get(name, "")
            return value if isinstance(value, str) else ""

        return cls(
            response_type=text("response_type"),
            client_id=text("client_id"),
            redirect_uri=text("redirect_uri"),
            scope=text("scope"),
            state=text("state"),
            code_challenge=text("code_challenge"),
            code_challenge_method=text("code_challenge_method"),
        )


def _authorize_error(field: str, message: str) -> AppError:
    return AppError(f"model.authorize.is_valid.{field}.app_error", message, 400)


def validate_authorize_request(request: AuthorizeRequest) -> None:
    """Mattermost's checks of an authorization request, before any app is looked up."""
    if not is_valid_id(request.client_id):
        raise _authorize_error("client_id", "The client id is not valid.")
    if not request.response_type:
        raise _authorize_error("response_type", "The response type is missing.")
    uri = request.redirect_uri
    if not uri or len(uri) > REDIRECT_URI_MAX or not is_valid_http_url(uri):
        raise _authorize_error("redirect_uri", "The redirect URI is not valid.")
    if len(request.state) > STATE_MAX or has_nul(request.state):
        raise _authorize_error("state", "The state is too long or holds a NUL character.")
    if len(request.scope) > SCOPE_MAX or has_nul(request.scope):
        raise _authorize_error("scope", "The scope is too long or holds a NUL character.")
    if request.code_challenge or request.code_challenge_method:
        validate_code_challenge(request.code_challenge, request.code_challenge_method)


def validate_code_challenge(challenge: str, method: str) -> None:
    """PKCE as Mattermost takes it: S256 only, with a base64url challenge."""
    if not challenge:
        raise _authorize_error("code_challenge", "The PKCE code challenge is missing.")
    if not method:
        raise _authorize_error("code_challenge_method", "The PKCE method is missing.")
    if method != PKCE_METHOD_S256:
        raise _authorize_error(
            "code_challenge_method.unsupported", "Only the S256 PKCE method is supported."
        )
    if len(challenge) not in CODE_CHALLENGE_LENGTHS:
        raise _authorize_error(
            "code_challenge.length", "The PKCE code challenge is too short or long."
        )
    if not _CODE_CHALLENGE.fullmatch(challenge):
        raise _authorize_error("code_challenge.format", "The PKCE code challenge is malformed.")
