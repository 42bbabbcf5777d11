"""Finding the channel a v3 request names and checking it against the team in the URL;
shared by the v3 channel and post routes."""

from __future__ import annotations

from apps.accounts.models import User
from apps.channels.api.v4.access import channel_or_404
from apps.channels.models import CHANNEL_DIRECT, CHANNEL_GROUP, Channel, ChannelMember
from apps.channels.selectors import channel_member_get
from apps.channels.services.membership_roles import missing_channel_member
from apps.core.api.v3.base import invalid_param
from apps.core.errors import AppError
from apps.core.ids import is_valid_id


def v3_id(value: str, name: str) -> str:
    """An id from a v3 URL or string map: anything but 26 characters is an invalid
    parameter (the v3 handlers checked ``len(id) != 26``)."""
    if not is_valid_id(value):
        raise invalid_param(name)
    return value


def channel_of_url(channel_id: str) -> Channel:
    """The channel a v3 URL names (400 for a malformed id, 404 for an unknown one)."""
    return channel_or_404(v3_id(channel_id, "channel_id"))


def require_team_channel(channel: Channel, team_id: str) -> None:
    """A public or private channel read under ``/teams/{team_id}/`` must belong to that
    team; direct and group channels belong to none and are reachable under any."""
    if channel.type in (CHANNEL_DIRECT, CHANNEL_GROUP) or channel.team_id == team_id:
        return
    raise AppError(
        "api.channel.get_channel.wrong_team.app_error",
        "That channel belongs to another team.",
        400,
        f"channel_id={channel.id}, team_id={team_id}",
    )


def membership_of(channel: Channel, user: User) -> ChannelMember:
    """The user's membership of the channel, which the v3 channel routes insist on."""
    member = channel_member_get(channel_id=channel.id, user_id=user.id)
    if member is None:
        raise missing_channel_member()
    return member
