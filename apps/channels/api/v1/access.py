"""Finding the channel a v1 route names, within the session's team.

1.x checked two things before acting on a channel: that it was in the session's team
(else 403), and, for most routes, that the caller was a member. Where it fetched the
membership row, a missing one was a store error (500); where it counted it
(``CheckPermissionsTo``), a 403. Both are kept, per route, as 1.4.0 answered. Direct
channels belong to no team here; their members reach them from any of their teams.
Group channels (which 1.x did not have) are not reachable on v1.
"""

from __future__ import annotations

from rest_framework.request import Request

from apps.channels.api.v1.wire import V1_TYPES
from apps.channels.models import Channel, ChannelMember
from apps.channels.selectors import channel_get, channel_member_get
from apps.core.api.v1.base import not_permitted, param_id
from apps.core.errors import AppError
from apps.core.views import session_user
from apps.teams.api.v1.scope import session_team


def missing_channel(channel_id: str) -> AppError:
    return AppError(
        "app.channel.get.existing.app_error",
        "No such channel.",
        500,
        f"id={channel_id}",
    )


def missing_member(channel_id: str, user_id: str) -> AppError:
    return AppError(
        "app.channel.get_member.missing.app_error",
        "You are not a member of this channel.",
        500,
        f"channel_id={channel_id}, user_id={user_id}",
    )


def team_channel(request: Request, channel_id: str, *, admins_anywhere: bool = True) -> Channel:
    """The channel, when it belongs to the session's team (or is a direct channel):
    otherwise 403, as 1.x refused another team's channels. System admins reach every
    team's channels, unless ``admins_anywhere`` is off."""
    channel = channel_get(param_id(channel_id, "channel_id"))
    if channel is None or channel.type not in V1_TYPES:
        raise missing_channel(channel_id)
    actor = session_user(request)
    other_team = channel.team_id and channel.team_id != session_team(request).id
    if other_team and not (admins_anywhere and actor.is_system_admin):
        raise not_permitted(f"userId={actor.id}, teamId={channel.team_id}")
    return channel


# The routes below act as a member of the channel: 1.x found the membership within the
# session's team only, for system admins too.


def joined_channel(request: Request, channel_id: str) -> tuple[Channel, ChannelMember]:
    """The channel and the caller's membership, where 1.x read the membership row: a
    channel outside the session's team, or one the caller is not in, is a 500."""
    user_id = session_user(request).id
    try:
        channel = team_channel(request, channel_id, admins_anywhere=False)
    except AppError as error:
        if error.status_code != 403:
            raise
        raise missing_member(channel_id, user_id) from None
    member = channel_member_get(channel_id=channel.id, user_id=user_id)
    if member is None:
        raise missing_member(channel.id, user_id)
    return channel, member


def member_channel(request: Request, channel_id: str) -> tuple[Channel, ChannelMember]:
    """The channel and the caller's membership, where 1.x counted it: a channel outside
    the session's team, or one the caller is not in, is a 403."""
    channel = team_channel(request, channel_id, admins_anywhere=False)
    actor = session_user(request)
    member = channel_member_get(channel_id=channel.id, user_id=actor.id)
    if member is None:
        raise not_permitted(f"userId={actor.id}")
    return channel, member
