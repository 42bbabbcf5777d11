"""Channels and channel members as API v3 (Mattermost 4.10) serialises them, and the
ETags it gave them. Nothing here reads the database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from apps.accounts.models import User
from apps.channels.models import Channel, ChannelMember
from apps.channels.wire import channel_fields
from apps.core.etag import make_etag

# model.Channel of 4.10: the fields every Mattermost release from 1.x to 4.10 sent.
V3_CHANNEL_FIELDS = (
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "team_id",
    "type",
    "display_name",
    "name",
    "header",
    "purpose",
    "last_post_at",
    "total_msg_count",
    "extra_update_at",
    "creator_id",
)
# The member notification settings 4.10 knew; later ones stay out of v3.
V3_NOTIFY_PROPS = ("desktop", "email", "mark_unread", "push")


def channel_v3(channel: Channel) -> dict[str, Any]:
    fields = channel_fields(channel)
    return {name: fields[name] for name in V3_CHANNEL_FIELDS}


def channels_v3(channels: Iterable[Channel]) -> list[dict[str, Any]]:
    return [channel_v3(channel) for channel in channels]


def notify_props_v3(member: ChannelMember) -> dict[str, str]:
    props = member.notify_props
    return {key: props[key] for key in V3_NOTIFY_PROPS if key in props}


def member_v3(member: ChannelMember) -> dict[str, Any]:
    return {
        "channel_id": member.channel_id,
        "user_id": member.user_id,
        "roles": member.roles,
        "last_viewed_at": member.last_viewed_at,
        "msg_count": member.msg_count,
        "mention_count": member.mention_count,
        "notify_props": notify_props_v3(member),
        "last_update_at": member.last_update_at,
    }


def members_v3(members: Iterable[ChannelMember]) -> list[dict[str, Any]]:
    return [member_v3(member) for member in members]


def channel_data_v3(channel: Channel, member: ChannelMember) -> dict[str, Any]:
    """``model.ChannelData``: the channel with the caller's membership."""
    return {"channel": channel_v3(channel), "member": member_v3(member)}


def channel_data_etag(channel: Channel, member: ChannelMember) -> str:
    return make_etag(channel.id, channel.update_at, channel.last_post_at, member.last_update_at)


def channel_etag(channel: Channel) -> str:
    return make_etag(channel.id, channel.update_at)


def channel_counts_v3(channels: Iterable[Channel]) -> dict[str, dict[str, int]]:
    """``model.ChannelCounts``: each channel's message total and last update."""
    channels = list(channels)
    return {
        "counts": {channel.id: channel.total_msg_count for channel in channels},
        "update_times": {channel.id: channel.update_at for channel in channels},
    }


def channel_counts_etag(counts: dict[str, dict[str, int]]) -> str:
    """The MD5 of every ``<id><total>`` in id order, then the latest update time."""
    totals = counts["counts"]
    digest = hashlib.md5(
        "".join(f"{channel_id}{totals[channel_id]}" for channel_id in sorted(totals)).encode(),
        usedforsecurity=False,
    ).hexdigest()
    return make_etag(digest, max(counts["update_times"].values(), default=0))


def channel_stats_v3(channel: Channel, member_count: int) -> dict[str, Any]:
    return {"channel_id": channel.id, "member_count": member_count}


def classic_channel_list(
    channels: Iterable[Channel], members: Iterable[ChannelMember] = ()
) -> dict[str, Any]:
    """The 3.0-3.4 ``ChannelList``: the channels, and the caller's memberships by channel."""
    return {
        "channels": channels_v3(channels),
        "members": {member.channel_id: member_v3(member) for member in members},
    }


def extra_member(member: ChannelMember) -> dict[str, str]:
    """A member as 3.4's ``extra_info`` lists them (``member.user`` loaded). Email addresses
    are shown only where ``ShowEmailAddress`` makes them public, as 3.4 did."""
    user: User = member.user
    return {
        "id": user.id,
        "nickname": user.nickname,
        "email": user.email if settings.MATTERMOST.show_email_address else "",
        "roles": member.roles,
        "username": user.username,
    }


def channel_extra_info(
    channel: Channel, members: Iterable[ChannelMember], member_count: int
) -> dict[str, Any]:
    """The 3.0-3.4 ``ChannelExtra``."""
    return {
        "id": channel.id,
        "members": [extra_member(member) for member in members],
        "member_count": member_count,
    }
