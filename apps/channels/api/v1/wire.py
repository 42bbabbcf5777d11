"""Channels and channel members as Mattermost 1.4 serialised them.

1.x channels had 14 fields and three types (O, P, D); a direct channel belonged to its
creator's team, so here it carries the team of the request (the session's). Member roles
were "" or "admin"; notification settings had two keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.channels.models import (
    CHANNEL_DIRECT,
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    Channel,
    ChannelMember,
)

# The channel types 1.x knew; group messages (G) are not shown on v1.
V1_TYPES = (CHANNEL_OPEN, CHANNEL_PRIVATE, CHANNEL_DIRECT)
CHANNEL_ADMIN = "admin"
MEMBER_NOTIFY_DEFAULTS = {"desktop": "default", "mark_unread": "all"}


def v1_channel(channel: Channel, *, team_id: str) -> dict[str, Any]:
    """``team_id`` is the team of the request, used for direct channels (which have none)."""
    return {
        "id": channel.id,
        "create_at": channel.create_at,
        "update_at": channel.update_at,
        "delete_at": channel.delete_at,
        "team_id": channel.team_id or team_id,
        "type": channel.type,
        "display_name": channel.display_name,
        "name": channel.name,
        "header": channel.header,
        "purpose": channel.purpose,
        "last_post_at": channel.last_post_at,
        "total_msg_count": channel.total_msg_count,
        "extra_update_at": channel.extra_update_at,
        "creator_id": channel.creator_id,
    }


def v1_member(member: ChannelMember) -> dict[str, Any]:
    props = member.notify_props or {}
    return {
        "channel_id": member.channel_id,
        "user_id": member.user_id,
        "roles": CHANNEL_ADMIN if member.scheme_admin else "",
        "last_viewed_at": member.last_viewed_at,
        "msg_count": member.msg_count,
        "mention_count": member.mention_count,
        "notify_props": {
            key: props.get(key, value) for key, value in MEMBER_NOTIFY_DEFAULTS.items()
        },
        "last_update_at": member.last_update_at,
    }


def v1_channel_list(
    channels: Iterable[Channel], members: Iterable[ChannelMember], *, team_id: str
) -> dict[str, Any]:
    """1.x's ``ChannelList``: the channels, and the caller's memberships by channel id."""
    return {
        "channels": [v1_channel(channel, team_id=team_id) for channel in channels],
        "members": {member.channel_id: v1_member(member) for member in members},
    }
