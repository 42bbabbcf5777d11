"""The OAuth routes outside the API: ``/oauth/authorize`` (the consent page and the
answer to it), ``/oauth/access_token`` and ``/oauth/deauthorize``.

The consent page is rendered here rather than by a web app: a user not logged in gets a
small login form on the same page. Both forms carry Django's CSRF token; the page itself
knows the user only by the ``MMAUTHTOKEN`` session cookie.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import Session, User
from apps.accounts.selectors import session_get_by_token, user_get_cached
from apps.accounts.services import invalid_credentials, login
from apps.core.auth import MAX_TOKEN_LENGTH
from apps.core.body import body_object, optional_str
from apps.core.errors import (
    AppError,
    invalid_body_param,
    permission_denied,
    rate_limited,
)
from apps.core.ids import is_valid_id
from apps.core.throttling import MattermostRateThrottle
from apps.core.views import STATUS_OK, MattermostView, request_session, session_user
from apps.oauth.authorization import (
    approval_redirect,
    authorize_request_app,
    denial_redirect,
    needs_consent,
    request_uri,
)
from apps.oauth.models import OAuthApp
from apps.oauth.permissions import require_oauth_enabled
from apps.oauth.provider import oauth_server
from apps.oauth.services import oauth_app_deauthorize
from apps.oauth.validators import AuthorizeRequest, has_nul, validate_authorize_request

# Everything a client can tell from where a login came from (see accounts' client_props).
FORM_LOGIN_PROPS = {
    "platform": "",
    "os": "",
    "browser": "",
    "isMobile": "false",
    "isSaml": "false",
    "isOAuthUser": "false",
}


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    response = render(request, f"oauth/{template}", context, status=status)
    # The page must not be framed by another site (clickjacking an "Allow" click).
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


def _error_page(request: HttpRequest, error: AppError) -> HttpResponse:
    response = _page(request, "error.html", error.status_code, error=error)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _require_within_rate_limit(request: HttpRequest) -> None:
    """The pages and their forms (a password login among them) count against the API's
    rate limit, as every route does in Mattermost."""
    throttle = MattermostRateThrottle()
    if not throttle.allow_request(Request(request), None):
        raise rate_limited(throttle.retry_after)


def cookie_user(request: HttpRequest) -> User | None:
    """The user the session cookie names, if that session is live (an OAuth app's own
    session never counts: an app must not authorize itself)."""
    token = request.COOKIES.get("MMAUTHTOKEN", "")[:MAX_TOKEN_LENGTH]
    session = session_get_by_token(token) if token else None
    if session is None or session.is_oauth:
        return None
    user = user_get_cached(session.user_id)
    return user if user is not None and user.is_active else None


def _base_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(request.path)


def _set_session_cookies(
    request: HttpRequest, response: HttpResponse, user: User, session: Session, token: str
) -> None:
    lifetime = settings.MATTERMOST.session_length_web_in_hours * 3600
    for name, value, http_only in (
        ("MMAUTHTOKEN", token, True),
        ("MMUSERID", user.id, False),
        ("MMCSRF", session.csrf_token, False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=lifetime,
            secure=request.is_secure(),
            httponly=http_only,
            samesite="Lax",
        )


def _page_request_app(request: HttpRequest) -> tuple[AuthorizeRequest, OAuthApp]:
    """The authorization request in the page's query string and its app (AppError when
    the provider is off or the request is refused)."""
    if not settings.MATTERMOST.enable_oauth_service_provider:
        raise AppError(
            "api.oauth.authorize_oauth.disabled.app_error",
            "The system administrator has turned off the OAuth 2.0 service provider.",
            501,
        )
    auth_request = AuthorizeRequest.from_params(request.GET)
    return auth_request, authorize_request_app(auth_request)


@never_cache
@ensure_csrf_cookie
def _show_authorize(request: HttpRequest) -> HttpResponse:
    """``GET /oauth/authorize``: the login form, the consent page, or (for a trusted or
    already authorized app) straight back to the app with a code."""
    try:
        auth_request, app = _page_request_app(request)
        user = cookie_user(request)
        if user is None:
            return _page(request, "login.html", app=app)
        if not needs_consent(user=user, app=app):
            uri = request_uri(_base_uri(request), auth_request)
            return HttpResponseRedirect(approval_redirect(uri=uri, user=user))
    except AppError as error:
        return _error_page(request, error)
    return _page(request, "authorize.html", app=app, user=user)


@never_cache
@csrf_protect
def _answer_authorize_form(request: HttpRequest) -> HttpResponse:
    """``POST /oauth/authorize`` from our own page: a login, or the user's answer."""
    try:
        auth_request, app = _page_request_app(request)
        if "login_id" in request.POST:
            return _form_login(request, app)
        user = cookie_user(request)
        if user is None:
            return _page(request, "login.html", status=401, app=app)
        if request.POST.get("answer") != "allow":
            return HttpResponseRedirect(denial_redirect(auth_request))
        uri = request_uri(_base_uri(request), auth_request)
        return HttpResponseRedirect(approval_redirect(uri=uri, user=user))
    except AppError as error:
        return _error_page(request, error)


def _form_login(request: HttpRequest, app: OAuthApp) -> HttpResponse:
    """Log in from the login form, then show the authorization page again."""
    login_id = request.POST.get("login_id", "")
    password = request.POST.get("password", "")
    try:
        if has_nul(login_id) or has_nul(password):
            raise invalid_credentials()  # no account has one; the database cannot look
        user, session, token = login(
            login_id=login_id, user_id="", password=password, device_id="", props=FORM_LOGIN_PROPS
        )
    except AppError as error:
        return _page(request, "login.html", status=error.status_code, app=app, error=error)
    response = HttpResponseRedirect(request.get_full_path())
    response.status_code = 303  # back to the page, as a GET
    _set_session_cookies(request, response, user, session, token)
    return response


class AuthorizeApiView(MattermostView):
    """``POST /oauth/authorize`` with a JSON body, as Mattermost's web app sends it from
    its own consent page: answers ``{"redirect": <callback URL with the code>}``."""

    @extend_schema(
        operation_id="AuthorizeOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "authorize_request")
        auth_request = AuthorizeRequest.from_params(data)
        validate_authorize_request(auth_request)
        session = request_session(request)
        user = session_user(request)
        if session is not None and session.is_oauth:
            raise permission_denied(user.id, "edit_other_users")  # no app authorizes apps
        require_oauth_enabled()
        authorize_request_app(auth_request)
        uri = request_uri(request.build_absolute_uri(request.path), auth_request)
        return Response({"redirect": approval_redirect(uri=uri, user=user)})


@csrf_exempt
def authorize_view(request: HttpRequest) -> HttpResponse:
    """``/oauth/authorize``: the page (GET), its forms, or the JSON API (POST)."""
    if request.method == "POST" and request.content_type == "application/json":
        return AuthorizeApiView.as_view()(request)  # throttled as an API view
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        _require_within_rate_limit(request)
    except AppError as error:
        return _error_page(request, error)
    if request.method == "GET":
        return _show_authorize(request)
    return _answer_authorize_form(request)


class AccessTokenView(MattermostView):
    """``POST /oauth/access_token``: a code or a refresh token for an access token. The
    app authenticates with its id and secret in the form or by HTTP Basic; errors are
    RFC 6749's."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # oauthlib reads the form itself.
    parser_classes: tuple[type[BaseParser], ...] = ()

    @extend_schema(exclude=True)
    def post(self, request: Request) -> HttpResponse:
        if not settings.MATTERMOST.enable_oauth_service_provider:
            raise AppError(
                "api.oauth.get_access_token.disabled.app_error",
                "The system administrator has turned off the OAuth 2.0 service provider.",
                501,
            )
        form = request._request.POST
        oauth_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if "HTTP_AUTHORIZATION" in request.META:  # the app's id and secret, by HTTP Basic
            oauth_headers["Authorization"] = request.META["HTTP_AUTHORIZATION"]
        # One transaction: the code or refresh token stays locked until its exchange commits.
        with transaction.atomic():
            headers, body, status = oauth_server().create_token_response(
                request.build_absolute_uri(request.path),
                http_method="POST",
                body=form.urlencode(),
                headers=oauth_headers,
            )
        response = HttpResponse(body, status=status, content_type="application/json")
        for name, value in headers.items():
            if name.lower() != "content-type":
                response[name] = value
        return response


class DeauthorizeView(MattermostView):
    """``POST /oauth/deauthorize`` ``{"client_id"}``: the caller withdraws an app's
    access; its sessions for the caller end."""

    @extend_schema(
        operation_id="DeauthorizeOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        client_id = optional_str(body_object(request, "client_id"), "client_id") or ""
        if not is_valid_id(client_id):
            raise invalid_body_param("client_id")
        require_oauth_enabled()
        oauth_app_deauthorize(user_id=session_user(request).id, app_id=client_id)
        return Response(STATUS_OK)
