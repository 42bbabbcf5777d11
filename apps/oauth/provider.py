"""The OAuth 2.0 authorization server: oauthlib runs the protocol (the authorization
code grant with PKCE, the refresh grant, RFC 6749 errors); this validator answers its
questions from our tables.

oauthlib never sees a token it made: ``save_bearer_token`` swaps in the session token and
refresh token our services issue, since an access token is a session like any other.
"""

from __future__ import annotations

import base64
import hmac
import re
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2 import RequestValidator, WebApplicationServer
from oauthlib.oauth2.rfc6749 import errors

from apps.oauth.models import DEFAULT_SCOPE, OAuthApp
from apps.oauth.selectors import (
    access_data_for_update,
    authorization_code_for_update,
    oauth_app_get,
)
from apps.oauth.services import authorization_code_save, grant_issue, oauth_app_authorize

GRANT_TYPES = ("authorization_code", "refresh_token")


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """The client id and secret of an ``Authorization: Basic`` header (RFC 6749 2.3.1:
    each form-urlencoded before the base64), or None when the header is malformed."""
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
        return None
    client_id, colon, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if colon else None


def client_credentials(request: OAuthRequest) -> tuple[str, str] | None:
    """The client id and secret the app authenticates with: HTTP Basic (what client
    libraries send by default) or ``client_id`` and ``client_secret`` in the form (what
    Mattermost reads). None when they are missing, malformed, or name two clients."""
    scheme, _, rest = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return (request.client_id or "", request.client_secret or "")
    credentials = _basic_credentials(rest)
    if credentials is None or request.client_id not in (None, "", credentials[0]):
        return None
    return credentials


class MattermostRequestValidator(RequestValidator):
    """oauthlib's questions, answered from the OAuth tables. Attributes set on
    ``request`` here (``client``, ``user``, ``auth_code``, ``grant``) carry what one
    step found to the next."""

    # Clients: confidential only (an app always has a secret).

    def client_authentication_required(
        self, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        return True

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        credentials = client_credentials(request)
        if credentials is None:
            return False
        client_id, secret = credentials
        app = oauth_app_get(client_id)
        if app is None or not hmac.compare_digest(app.client_secret.encode(), secret.encode()):
            return False
        request.client = app
        return True

    def validate_client_id(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        app = oauth_app_get(client_id)
        if app is None:
            return False
        request.client = app
        return True

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        # An exact match with one of the registered callbacks, as Mattermost wants it.
        app: OAuthApp = request.client
        return redirect_uri in app.callback_urls

    def get_default_redirect_uri(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        return None  # Mattermost requires the redirect URI in every request

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: OAuthApp,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: OAuthApp,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return grant_type in GRANT_TYPES

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: OAuthApp,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return True  # Mattermost records the scope but grants full access whatever it says

    def get_default_scopes(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [DEFAULT_SCOPE]

    def is_pkce_required(self, client_id: str, request: OAuthRequest) -> bool:
        return False  # optional for confidential clients, but enforced once a code used it

    # The authorization code grant

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        scope = " ".join(request.scopes or [DEFAULT_SCOPE])
        authorization_code_save(
            app=request.client,
            user=request.user,
            code=code["code"],
            redirect_uri=request.redirect_uri,
            scope=scope,
            state=request.state or "",
            code_challenge=request.code_challenge or "",
            code_challenge_method=request.code_challenge_method or "",
        )
        oauth_app_authorize(user=request.user, app=request.client, scope=scope)

    def validate_code(
        self,
        client_id: str,
        code: str,
        client: OAuthApp,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        auth_code = authorization_code_for_update(code)
        if auth_code is None or auth_code.app_id != client.id:
            return False
        if auth_code.is_expired() or not auth_code.user.is_active:
            auth_code.delete()
            return False
        request.auth_code = auth_code
        request.user = auth_code.user
        request.scopes = auth_code.scope.split()
        return True

    def get_code_challenge(self, code: str, request: OAuthRequest) -> str | None:
        return request.auth_code.code_challenge or None

    def get_code_challenge_method(self, code: str, request: OAuthRequest) -> str | None:
        return request.auth_code.code_challenge_method or None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: OAuthApp,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return bool(request.auth_code.redirect_uri == redirect_uri)

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        request.auth_code.delete()

    # The refresh grant

    def validate_refresh_token(
        self, refresh_token: str, client: OAuthApp, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        grant = access_data_for_update(refresh_token)
        if grant is None or grant.app_id != client.id or not grant.user.is_active:
            return False
        request.grant = grant
        request.user = grant.user
        return True

    def get_original_scopes(
        self, refresh_token: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(request.grant.scope.split())

    # Issuing tokens

    def save_bearer_token(
        self, token: dict[str, Any], request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        grant = getattr(request, "grant", None)
        redirect_uri = grant.redirect_uri if grant is not None else request.redirect_uri
        scope = " ".join(request.scopes)
        _, access_token, refresh_token = grant_issue(
            app=request.client, user=request.user, redirect_uri=redirect_uri, scope=scope
        )
        token.update(
            access_token=access_token, refresh_token=refresh_token, token_type="bearer", scope=scope
        )


def _reject_unused_verifier(request: OAuthRequest) -> None:
    """A ``code_verifier`` for a code obtained without PKCE is refused, as Mattermost
    does (oauthlib would ignore it)."""
    if request.code_verifier and not request.auth_code.code_challenge:
        raise errors.InvalidGrantError(
            description="A code verifier was sent, but the code was not issued with PKCE.",
            request=request,
        )


# RFC 7636 4.1: a verifier is 43 to 128 unreserved characters.
_CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def _reject_malformed_verifier(request: OAuthRequest) -> None:
    """oauthlib only hashes the verifier; one RFC 7636 does not allow is refused before."""
    if request.code_verifier is not None and not _CODE_VERIFIER.fullmatch(request.code_verifier):
        raise errors.InvalidRequestError(
            description="The code verifier must be 43 to 128 unreserved characters.",
            request=request,
        )


def token_lifetime_seconds(request: OAuthRequest) -> int:
    return int(settings.MATTERMOST.session_length_sso_in_hours * 3600)


def oauth_server() -> WebApplicationServer:
    server = WebApplicationServer(
        MattermostRequestValidator(), token_expires_in=token_lifetime_seconds
    )
    server.auth_grant.custom_validators.pre_token.append(_reject_malformed_verifier)
    server.auth_grant.custom_validators.post_token.append(_reject_unused_verifier)
    return server
