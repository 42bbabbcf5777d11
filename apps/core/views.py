"""The base class of every API view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.errors import invalid_url_param
from apps.core.ids import is_valid_id

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


# The body Mattermost writes for a write that has nothing else to return.
STATUS_OK = {"status": "OK"}
# strconv.ParseBool's spellings of true, which Mattermost uses for boolean parameters.
GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


def query_flag(request: Request, name: str) -> bool:
    """A boolean query parameter, read as Go reads it (anything else is false)."""
    return request.query_params.get(name, "") in GO_TRUE


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


def url_id(value: str, name: str) -> str:
    """An id taken from the URL; anything but a well-formed id is a 400 naming the part."""
    if not is_valid_id(value):
        raise invalid_url_param(name)
    return value


def url_user_id(request: Request, value: str) -> str:
    """A ``{user_id}`` URL part, where ``me`` stands for the caller."""
    if value == "me":
        return session_user(request).id
    return url_id(value, "user_id")
