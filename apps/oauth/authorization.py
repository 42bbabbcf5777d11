"""Authorization requests: the checks Mattermost makes before a user is asked, and the
redirect (with a code, or with an error) once the user has answered."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from apps.accounts.models import User
from apps.core.errors import AppError
from apps.oauth.models import OAuthApp
from apps.oauth.permissions import require_oauth_enabled
from apps.oauth.provider import oauth_server
from apps.oauth.selectors import oauth_app_get_or_404, oauth_app_is_authorized
from apps.oauth.validators import AuthorizeRequest, validate_authorize_request


def redirect_callback_error() -> AppError:
    return AppError(
        "api.oauth.allow_oauth.redirect_callback.app_error",
        "The redirect URI is not one of the app's callback URLs.",
        400,
    )


def authorize_request_app(request: AuthorizeRequest) -> OAuthApp:
    """The app an authorization request is for, once the request passed Mattermost's
    checks (raises AppError otherwise)."""
    validate_authorize_request(request)
    app = oauth_app_get_or_404(request.client_id)
    if request.redirect_uri not in app.callback_urls:
        raise redirect_callback_error()
    return app


def needs_consent(*, user: User, app: OAuthApp) -> bool:
    """Trusted apps, and apps the user already authorized, are not asked about again."""
    return not app.is_trusted and not oauth_app_is_authorized(user_id=user.id, app_id=app.id)


def request_uri(base_uri: str, request: AuthorizeRequest) -> str:
    """The request as the URI oauthlib reads it: its parameters in the query."""
    params = {name: value for name, value in asdict(request).items() if value}
    return f"{base_uri}?{urlencode(params)}"


def approval_redirect(*, uri: str, user: User) -> str:
    """Let the app of the request in ``uri`` act for ``user``: the callback URL carrying
    a new code and the state (or, for a request oauthlib refuses, an error and the state).
    The request must have passed ``authorize_request_app``."""
    require_oauth_enabled()
    server = oauth_server()
    try:
        scopes, _ = server.validate_authorization_request(uri)
    except errors.FatalClientError as error:
        raise redirect_callback_error() from error
    except errors.OAuth2Error as error:
        return str(add_params_to_uri(error.redirect_uri, error.twotuples))
    headers, _, _ = server.create_authorization_response(
        uri, scopes=scopes, credentials={"user": user}
    )
    return str(headers["Location"])


def denial_redirect(request: AuthorizeRequest) -> str:
    """The callback URL telling the app the user said no."""
    params = [("error", "access_denied")]
    if request.state:
        params.append(("state", request.state))
    return str(add_params_to_uri(request.redirect_uri, params))
