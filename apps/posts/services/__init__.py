"""Every write to posts, one module per concern; callers import from here."""

from apps.posts.services.create import mentioned_user_ids, post_create

__all__ = ["mentioned_user_ids", "post_create"]
