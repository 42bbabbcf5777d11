"""Every write to channels, one module per concern; callers import from here."""

from apps.channels.services.members import (
    DEFAULT_CHANNELS,
    channel_create_defaults,
    channel_member_add,
    channels_join_defaults,
    channels_leave_team,
)
from apps.channels.services.unread import channel_record_post, channels_view

__all__ = [
    "DEFAULT_CHANNELS",
    "channel_create_defaults",
    "channel_member_add",
    "channel_record_post",
    "channels_join_defaults",
    "channels_leave_team",
    "channels_view",
]
