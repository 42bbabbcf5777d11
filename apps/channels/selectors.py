"""Reads of channels and channel membership."""

from __future__ import annotations

from apps.channels.models import Channel, ChannelMember


def channel_get(channel_id: str) -> Channel | None:
    return Channel.objects.filter(pk=channel_id).first()


def channel_member_get(*, channel_id: str, user_id: str) -> ChannelMember | None:
    return ChannelMember.objects.filter(channel_id=channel_id, user_id=user_id).first()
