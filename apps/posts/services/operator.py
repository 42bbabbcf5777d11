"""Writes an operator makes from the admin, outside any user's permissions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from apps.core.clock import now_ms
from apps.core.events import Broadcast, publish
from apps.posts.models import Post
from apps.posts.wire import post_json


def post_soft_delete_for_operator(*, post: Post) -> int:
    """Mark ``post`` deleted, with its replies when it starts a thread, as Mattermost's
    delete does (the rows stay, with ``delete_at`` set). A deleted reply no longer counts
    in its root's ``reply_count``. Returns how many posts were marked."""
    if post.delete_at:
        return 0
    now = now_ms()
    with transaction.atomic():
        marked = Post.objects.filter(pk=post.pk, delete_at=0).update(delete_at=now, update_at=now)
        if not marked:
            return 0
        if post.is_root:
            marked += Post.objects.filter(root_id=post.id, delete_at=0).update(
                delete_at=now, update_at=now
            )
        else:
            Post.objects.filter(pk=post.root_id).update(
                reply_count=Greatest(F("reply_count") - 1, 0), update_at=now
            )
    post.delete_at = post.update_at = now
    publish(
        "post_deleted",
        {"post": post_json(post), "delete_by": ""},
        Broadcast(channel_id=post.channel_id),
    )
    return marked
