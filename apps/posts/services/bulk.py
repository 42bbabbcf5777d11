"""Inserting many existing posts at once (sample data, benchmarks, imports), keeping the
same totals ``post_create`` keeps one post at a time: the channel's message counts and
last-post times, and each thread's totals on its root.

What it leaves out, on purpose: the ``posted`` events (nobody is watching an import),
mention counts, and members' read state (imported posts are unread)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from apps.channels.models import Channel
from apps.core.errors import AppError
from apps.posts.models import Post
from apps.posts.validators import hashtags_of, validate_post

BATCH_SIZE = 1000


@dataclass
class _ChannelTotals:
    count: int = 0
    roots: int = 0
    last_post_at: int = 0
    last_root_post_at: int = 0


@dataclass
class _ThreadTotals:
    replies: int = 0
    last_reply_at: int = 0
    authors: list[str] = field(default_factory=list)
    channel_ids: set[str] = field(default_factory=set)


def posts_bulk_import(*, posts: Sequence[Post], batch_size: int = BATCH_SIZE) -> None:
    """Insert ``posts`` (unsaved, with their ``create_at`` set; a reply's root either
    already stored or earlier in ``posts``, in the same channel) and update the totals."""
    if not posts:
        return
    channels: dict[str, _ChannelTotals] = defaultdict(_ChannelTotals)
    threads: dict[str, _ThreadTotals] = defaultdict(_ThreadTotals)
    for post in posts:
        validate_post(
            message=post.message, props=post.props, file_ids=post.file_ids, type=post.type
        )
        post.hashtags = post.hashtags or hashtags_of(post.message)
        post.update_at = max(post.update_at, post.create_at)
        totals = channels[post.channel_id]
        totals.count += 1
        totals.last_post_at = max(totals.last_post_at, post.create_at)
        if post.root_id:
            thread = threads[post.root_id]
            thread.replies += 1
            thread.last_reply_at = max(thread.last_reply_at, post.create_at)
            thread.channel_ids.add(post.channel_id)
            if post.user_id not in thread.authors:
                thread.authors.append(post.user_id)
        else:
            totals.roots += 1
            totals.last_root_post_at = max(totals.last_root_post_at, post.create_at)
    with transaction.atomic():
        Post.objects.bulk_create(posts, batch_size=batch_size)
        _count_threads(threads, batch_size)
        for channel_id, totals in channels.items():
            Channel.objects.filter(pk=channel_id).update(
                total_msg_count=F("total_msg_count") + totals.count,
                total_msg_count_root=F("total_msg_count_root") + totals.roots,
                last_post_at=Greatest(F("last_post_at"), Value(totals.last_post_at)),
                last_root_post_at=Greatest(F("last_root_post_at"), Value(totals.last_root_post_at)),
            )


def _bad_root() -> AppError:
    return AppError(
        "api.post.create_post.root_id.app_error", "The post to reply to is not valid.", 400
    )


def _count_threads(threads: dict[str, _ThreadTotals], batch_size: int) -> None:
    """Add each thread's new replies to its root (a root of the same channel)."""
    roots = Post.objects.in_bulk(list(threads))
    if len(roots) != len(threads):
        raise _bad_root()
    for root_id, root in roots.items():
        thread = threads[root_id]
        if root.root_id or thread.channel_ids != {root.channel_id}:
            raise _bad_root()
        root.reply_count += thread.replies
        root.last_reply_at = max(root.last_reply_at, thread.last_reply_at)
        root.update_at = max(root.update_at, thread.last_reply_at)
        root.participants = [
            *root.participants,
            *(author for author in thread.authors if author not in root.participants),
        ]
    Post.objects.bulk_update(
        roots.values(),
        ["reply_count", "last_reply_at", "update_at", "participants"],
        batch_size=batch_size,
    )
