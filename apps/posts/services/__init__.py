"""Every write to posts, one module per concern; callers import from here."""

from apps.posts.services.create import mentioned_user_ids, post_create
from apps.posts.services.edit import (
    edit_time_limit_passed,
    missing_post,
    post_delete,
    post_delete_permanently,
    post_patch,
    post_update,
)

__all__ = [
    "edit_time_limit_passed",
    "mentioned_user_ids",
    "missing_post",
    "post_create",
    "post_delete",
    "post_delete_permanently",
    "post_patch",
    "post_update",
]
