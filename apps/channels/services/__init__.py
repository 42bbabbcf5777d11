"""Every write to channels, one module per concern; callers import from here."""

from apps.channels.services.categories import (
    FAVORITE_CHANNEL,
    CategoryData,
    categories_clear_team,
    categories_ensure_defaults,
    categories_error,
    categories_follow_favorite_preferences,
    categories_for_team,
    categories_reorder,
    categories_update,
    category_create,
    category_delete,
    sidebar_file_joined_channel,
)
from apps.channels.services.members import (
    DEFAULT_CHANNELS,
    channel_create_defaults,
    channel_member_add,
    channels_join_defaults,
    channels_leave_team,
)
from apps.channels.services.membership_roles import (
    channel_member_add_checked,
    channel_member_leave,
    channel_member_set_roles,
    channel_member_set_scheme_roles,
    channel_member_update_notify_props,
    channel_member_view,
)
from apps.channels.services.unread import channel_record_post, channels_view

__all__ = [
    "DEFAULT_CHANNELS",
    "FAVORITE_CHANNEL",
    "CategoryData",
    "categories_clear_team",
    "categories_ensure_defaults",
    "categories_error",
    "categories_follow_favorite_preferences",
    "categories_for_team",
    "categories_reorder",
    "categories_update",
    "category_create",
    "category_delete",
    "channel_create_defaults",
    "channel_member_add",
    "channel_member_add_checked",
    "channel_member_leave",
    "channel_member_set_roles",
    "channel_member_set_scheme_roles",
    "channel_member_update_notify_props",
    "channel_member_view",
    "channel_record_post",
    "channels_join_defaults",
    "channels_leave_team",
    "channels_view",
    "sidebar_file_joined_channel",
]
