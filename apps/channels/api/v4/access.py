"""Finding a channel from the URL and deciding who may see or edit it, shared by the v4
channel routes."""

from __future__ import annotations

from apps.accounts.models import User
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel
from apps.channels.permissions import has_channel_permission, require_channel_permission
from apps.channels.selectors import channel_get, channel_member_get
from apps.core.errors import AppError, permission_denied
from apps.teams.permissions import has_team_permission


def missing_channel() -> AppError:
    return AppError("app.channel.get.existing.app_error", "There is no channel with that id.", 404)


def channel_or_404(channel_id: str) -> Channel:
    channel = channel_get(channel_id)
    if channel is None:
        raise missing_channel()
    return channel


def can_read_public(user: User, channel: Channel) -> bool:
    """A public channel is readable by everyone with ``read_public_channel`` in its team."""
    return (
        channel.type == CHANNEL_OPEN
        and channel.team_id is not None
        and has_team_permission(user, channel.team_id, "read_public_channel")
    )


def can_read(user: User, channel: Channel) -> bool:
    return can_read_public(user, channel) or has_channel_permission(
        user, channel.id, "read_channel"
    )


def require_readable(user: User, channel: Channel) -> None:
    if not can_read(user, channel):
        raise permission_denied(user.id, "read_channel")


def require_editable(user: User, channel: Channel) -> None:
    """Editors of a public or private channel hold its ``manage_*_channel_properties``;
    a direct or group message may be edited by its members, whoever they are."""
    if channel.type == CHANNEL_OPEN:
        require_channel_permission(user, channel.id, "manage_public_channel_properties")
    elif channel.type == CHANNEL_PRIVATE:
        require_channel_permission(user, channel.id, "manage_private_channel_properties")
    elif channel_member_get(channel_id=channel.id, user_id=user.id) is None:
        raise AppError(
            "api.channel.patch_update_channel.forbidden.app_error",
            "Only members of a direct or group message may change it.",
            403,
        )
