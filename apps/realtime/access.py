"""What the hub asks the database: who a token belongs to, which channels and teams a user
belongs to, which sessions still live, statuses, and the typing permission.

Everything here is synchronous Django; the hub calls it on its own threads
(``Hub.run_db``), never on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.http.cookie import parse_cookie

from apps.accounts.models import STATUS_OFFLINE, Session, Status
from apps.accounts.selectors import status_list, user_get_cached
from apps.accounts.services import status_note_activity
from apps.channels.models import ChannelMember
from apps.channels.permissions import has_channel_permission
from apps.core.auth import MAX_TOKEN_LENGTH, TokenLocation, _session_for, find_token
from apps.core.clock import now_ms
from apps.core.events import Broadcast, publish
from apps.core.roles import SYSTEM_ADMIN
from apps.teams.models import TeamMember


@dataclass(frozen=True)
class Identity:
    """The user and session a socket authenticated as."""

    user_id: str
    session_id: str
    is_admin: bool


@dataclass(frozen=True)
class Credentials:
    token: str
    oauth_only: bool = False  # sent in the URL, which only OAuth sessions may do


def token_from_upgrade(
    headers: Iterable[tuple[bytes, bytes]], query_string: bytes
) -> Credentials | None:
    """The token of the upgrade request, found where REST requests have it: the cookie,
    the ``Authorization`` header, or ``access_token`` in the URL."""
    request = HttpRequest()
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "cookie":
            request.COOKIES.update(parse_cookie(value))
        elif name == "authorization":
            request.META["HTTP_AUTHORIZATION"] = value
    request.GET = QueryDict(query_string)
    found = find_token(request)
    if found is None:
        return None
    token, location = found
    return Credentials(token, oauth_only=location is TokenLocation.QUERY)


def identify(credentials: Credentials) -> Identity | None:
    """Who the token (of a session or a personal access token) logs in, or None. The user
    becomes online, as on any authenticated request."""
    session = _session_for(credentials.token[:MAX_TOKEN_LENGTH]) if credentials.token else None
    if session is None or (credentials.oauth_only and not session.is_oauth):
        return None
    user = user_get_cached(session.user_id)
    if user is None or not user.is_active:
        return None
    status_note_activity(user_id=user.id)
    return Identity(
        user_id=user.id, session_id=session.id, is_admin=SYSTEM_ADMIN in session.roles.split()
    )


def memberships(user_id: str) -> tuple[set[str], set[str]]:
    """The ids of the channels and of the teams ``user_id`` belongs to (two queries)."""
    channels = set(
        ChannelMember.objects.filter(user_id=user_id).values_list("channel_id", flat=True)
    )
    teams = set(
        TeamMember.objects.filter(user_id=user_id, delete_at=0).values_list("team_id", flat=True)
    )
    return channels, teams


def live_sessions(session_ids: Iterable[str]) -> set[str]:
    """Of these sessions, the ones that still exist, have not expired and whose user is
    active (one query)."""
    unexpired = Q(expires_at=0) | Q(expires_at__gte=now_ms())
    return set(
        Session.objects.filter(unexpired, id__in=list(session_ids), user__delete_at=0).values_list(
            "id", flat=True
        )
    )


def statuses_of(user_ids: list[str]) -> dict[str, str]:
    """``{user_id: status}``; users without a stored status are offline."""
    return {status.user_id: status.status for status in status_list(user_ids)}


def statuses_present() -> dict[str, str]:
    """The status of every user who is not offline."""
    present = Status.objects.exclude(status=STATUS_OFFLINE).values_list("user_id", "status")
    return dict(present)


def announce_typing(*, identity: Identity, channel_id: str, parent_id: str) -> bool:
    """Tell the channel's other members that the user is typing, if they may post there;
    returns whether they may."""
    user = user_get_cached(identity.user_id)
    if user is None or not has_channel_permission(user, channel_id, "create_post"):
        return False
    publish(
        "typing",
        {"parent_id": parent_id, "user_id": identity.user_id},
        Broadcast(channel_id=channel_id, omit_users=frozenset({identity.user_id})),
    )
    return True
