"""Every write to channels, one module per concern; callers import from here."""

from apps.channels.services.channels import (
    EDITABLE_FIELDS,
    Conversation,
    channel_archive,
    channel_check_deletable,
    channel_create,
    channel_delete_permanently,
    channel_member_remove,
    channel_move,
    channel_patch,
    channel_restore,
    channel_set_privacy,
    channel_update,
    direct_channel_get_or_create,
    direct_channel_name,
    group_channel_get_or_create,
    group_channel_name,
)
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
    "EDITABLE_FIELDS",
    "Conversation",
    "channel_archive",
    "channel_check_deletable",
    "channel_create",
    "channel_create_defaults",
    "channel_delete_permanently",
    "channel_member_add",
    "channel_member_remove",
    "channel_move",
    "channel_patch",
    "channel_record_post",
    "channel_restore",
    "channel_set_privacy",
    "channel_update",
    "channels_join_defaults",
    "channels_leave_team",
    "channels_view",
    "direct_channel_get_or_create",
    "direct_channel_name",
    "group_channel_get_or_create",
    "group_channel_name",
]
