"""Pinning and unpinning posts: an edit of the post as far as clients can tell (``update_at``
moves, ``post_edited`` goes to the channel), but not of its message (``edit_at`` stays)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.posts.models import Post
from apps.posts.wire import post_json

SYSTEM_TYPE_PREFIX = "system_"


def post_set_pinned(*, post: Post, pinned: bool) -> Post:
    """Pin or unpin ``post`` (a live post; permissions are the caller's job)."""
    channel = post.channel
    if channel.delete_at:
        raise AppError(
            "api.post.patch_post.can_not_update_post_in_deleted.error",
            "Posts in an archived channel cannot be changed.",
            400,
        )
    if post.type.startswith(SYSTEM_TYPE_PREFIX):
        raise AppError(
            "api.post.update_post.system_message.app_error",
            "System messages cannot be changed.",
            400,
        )
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            is_pinned=pinned, update_at=Greatest(F("update_at") + 1, Value(now_ms()))
        )
        post.refresh_from_db()
    publish("post_edited", {"post": post_json(post)}, Broadcast(channel_id=post.channel_id))
    return post
