"""Token authentication the way Mattermost clients expect it.

The token is looked for, first match wins, in: the ``MMAUTHTOKEN`` cookie, an
``Authorization: Bearer <t>`` header, an ``Authorization: Token <t>`` header (scheme names
compared case-insensitively), and the ``access_token`` query parameter (OAuth sessions only).
A personal access token is accepted wherever a session token is, while
``MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS`` is on.

An unknown or expired token is ignored on routes that need no session (they run
anonymously) and refused with 401 on the rest, which is what ``SessionRequired`` enforces.
A cookie-authenticated write must prove it is not a cross-site request, with
``X-CSRF-Token`` or ``X-Requested-With: XMLHttpRequest``.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.core.errors import AppError, session_expired

if TYPE_CHECKING:
    from apps.accounts.models import Session, User

MAX_TOKEN_LENGTH = 50


class TokenLocation(Enum):
    COOKIE = "cookie"
    HEADER = "header"
    QUERY = "query"


def header_token(request: HttpRequest | Request) -> str | None:
    """The token of an ``Authorization: Bearer <t>`` or ``Token <t>`` header, if any."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if len(header) > 6 and header[:6].upper() == "BEARER":
        return header[7:].strip()[:MAX_TOKEN_LENGTH]
    if len(header) > 5 and header[:5].upper() == "TOKEN":
        return header[6:].strip()[:MAX_TOKEN_LENGTH]
    return None


def query_token(request: HttpRequest | Request) -> str | None:
    query = request.GET.get("access_token")
    return query[:MAX_TOKEN_LENGTH] if query else None


def find_token(request: HttpRequest | Request) -> tuple[str, TokenLocation] | None:
    cookie = request.COOKIES.get("MMAUTHTOKEN")
    if cookie:
        return cookie[:MAX_TOKEN_LENGTH], TokenLocation.COOKIE
    token = header_token(request)
    if token is not None:
        return token, TokenLocation.HEADER
    token = query_token(request)
    if token is not None:
        return token, TokenLocation.QUERY
    return None


def passes_csrf(request: Request, session: Session) -> bool:
    if request.method == "GET":
        return True
    sent = request.META.get("HTTP_X_CSRF_TOKEN", "")
    if sent and sent == session.csrf_token:
        return True
    if settings.MATTERMOST.strict_csrf_enforcement:
        return False
    return request.META.get("HTTP_X_REQUESTED_WITH", "") == "XMLHttpRequest"


def _session_for(token: str) -> Session | None:
    """The live session ``token`` opens: a login session, or the session of a personal
    access token (made on the token's first use; cached like any other afterwards)."""
    from apps.accounts.selectors import session_get_by_token
    from apps.accounts.services import SESSION_TYPE_ACCESS_TOKEN, access_token_session_open

    session = session_get_by_token(token)
    if session is None:
        return access_token_session_open(token=token)
    if (
        session.props.get("type") == SESSION_TYPE_ACCESS_TOKEN
        and not settings.MATTERMOST.enable_user_access_tokens
    ):
        return None  # access tokens were switched off after this one was first used
    return session


class MattermostTokenAuthentication(BaseAuthentication):
    def locate_token(self, request: Request) -> tuple[str, TokenLocation] | None:
        """Where this API face looks for the token (API v1 looks elsewhere)."""
        return find_token(request)

    def authenticate(self, request: Request) -> tuple[User, Session] | None:
        from apps.accounts.selectors import user_get_cached
        from apps.accounts.services import status_note_activity

        found = self.locate_token(request)
        if found is None:
            return None
        token, location = found
        session = _session_for(token)
        user = user_get_cached(session.user_id) if session is not None else None
        if session is None or user is None or not user.is_active:
            request._request.invalid_token = True  # type: ignore[attr-defined]
            return None
        if location is TokenLocation.QUERY and not session.is_oauth:
            raise AppError(
                "api.context.token_provided.app_error",
                "A session token may only be sent in the URL by OAuth clients.",
                401,
            )
        if location is TokenLocation.COOKIE and not self.cookie_counts(request, session):
            return None
        status_note_activity(user_id=user.id)
        return user, session

    def cookie_counts(self, request: Request, session: Session) -> bool:
        """Whether the session cookie authenticates this request (False: the request is
        anonymous). A cookie-authenticated write must prove it is no cross-site request."""
        view = request.parser_context.get("view")
        if getattr(view, "cookie_needs_xhr_header", False):
            # API v3: a cookie counts only on requests a page's script made (any method);
            # otherwise the request is simply anonymous.
            return request.META.get("HTTP_X_REQUESTED_WITH", "") == "XMLHttpRequest"
        if not passes_csrf(request, session):
            raise session_expired("The request looks like a cross-site request forgery.")
        return True


class SessionRequired(BasePermission):
    """The default for every API view: a valid session is needed."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.auth is None:
            detail = "invalid token" if getattr(request._request, "invalid_token", False) else ""
            raise session_expired(detail)
        return True
