"""The base class of every API view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request
from rest_framework.views import APIView

if TYPE_CHECKING:
    from apps.accounts.models import Session, User


def request_user(request: Request) -> User | None:
    """The authenticated user, or None on an anonymous request."""
    user: User | None = request.user  # type: ignore[assignment]
    return user


def request_session(request: Request) -> Session | None:
    session: Session | None = request.auth  # type: ignore[assignment]
    return session


def session_user(request: Request) -> User:
    """The user of a view that requires a session (SessionRequired already checked it)."""
    user = request_user(request)
    assert user is not None
    return user


class MattermostView(APIView):
    """An API view that counts the request against the rate limit before anything else,
    as Mattermost does, so even refused requests are counted and carry the headers."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        renderer, media_type = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = renderer, media_type
        self.check_throttles(request)
        self.perform_authentication(request)
        self.check_permissions(request)
