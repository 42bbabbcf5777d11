"""Every write to posts, one module per concern; callers import from here."""

from apps.posts.services.create import mentioned_user_ids, post_create
from apps.posts.services.unread import ChannelUnreadAt, post_set_unread

__all__ = ["ChannelUnreadAt", "mentioned_user_ids", "post_create", "post_set_unread"]
