"""Where API v1 finds the session token, as Mattermost 1.2 to 2.2 looked for it.

First match wins: an ``Authorization: Bearer <t>`` (or ``Token <t>``) header, then the
``MMTOKEN`` cookie, then the ``access_token`` query parameter (OAuth sessions only).

``MMTOKEN`` holds the tokens of several sessions, separated by spaces: a browser logged
into two teams keeps one session per team. With one token the cookie is used as it is;
with more, the request names the one it means by its position, in the
``session_token_index`` query parameter or else the ``X-MM-TokenIndex`` header. Without a
usable index the cookie counts for nothing (so a route that needs a session answers 401).

1.x had no cross-site rule. Here a write the cookie alone would authenticate must show
it comes from a page's script (``X-Requested-With: XMLHttpRequest``, as the 1.x web app's
requests did, or ``X-CSRF-Token``); otherwise the request is anonymous, so logging into
another team with the cookie still works but no cross-site write acts as the user.
Everything else (cached session lookup, personal access tokens, the OAuth-only query
token) is API v4's authentication.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

from apps.core.auth import (
    MAX_TOKEN_LENGTH,
    MattermostTokenAuthentication,
    TokenLocation,
    header_token,
    passes_csrf,
    query_token,
)

if TYPE_CHECKING:
    from apps.accounts.models import Session

MULTI_TOKEN_COOKIE = "MMTOKEN"
TOKEN_INDEX_QUERY = "session_token_index"
TOKEN_INDEX_HEADER = "X-MM-TokenIndex"


def cookie_tokens(request: HttpRequest | Request) -> list[str]:
    """The tokens the ``MMTOKEN`` cookie holds, in order."""
    return [
        token[:MAX_TOKEN_LENGTH] for token in request.COOKIES.get(MULTI_TOKEN_COOKIE, "").split()
    ]


def _token_index(request: HttpRequest | Request) -> int | None:
    """The position the request asks for: the query parameter when present (even if it is
    not a number, as 1.x read it), else the header; None when neither is usable."""
    raw = request.GET.get(TOKEN_INDEX_QUERY)
    if raw is None:
        raw = request.headers.get(TOKEN_INDEX_HEADER)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def cookie_token(request: HttpRequest | Request) -> str | None:
    tokens = cookie_tokens(request)
    if len(tokens) == 1:
        return tokens[0]
    index = _token_index(request)
    if index is None or not 0 <= index < len(tokens):
        return None
    return tokens[index]


def find_v1_token(request: HttpRequest | Request) -> tuple[str, TokenLocation] | None:
    token = header_token(request)
    if token is not None:
        return token, TokenLocation.HEADER
    token = cookie_token(request)
    if token is not None:
        return token, TokenLocation.COOKIE
    token = query_token(request)
    if token is not None:
        return token, TokenLocation.QUERY
    return None


class V1TokenAuthentication(MattermostTokenAuthentication):
    def locate_token(self, request: Request) -> tuple[str, TokenLocation] | None:
        return find_v1_token(request)

    def cookie_counts(self, request: Request, session: Session) -> bool:
        return passes_csrf(request, session)
