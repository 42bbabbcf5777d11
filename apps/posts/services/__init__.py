"""Every write to posts, one module per concern; callers import from here."""

from apps.posts.services.bulk import posts_bulk_import
from apps.posts.services.create import mentioned_user_ids, post_create
from apps.posts.services.operator import post_soft_delete_for_operator
from apps.posts.services.system_posts import system_post

__all__ = [
    "mentioned_user_ids",
    "post_create",
    "post_soft_delete_for_operator",
    "posts_bulk_import",
    "system_post",
]
