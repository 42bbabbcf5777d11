"""Creating posts: validation, threads, unread counters, mentions and the ``posted`` event."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from apps.accounts.models import Status, User
from apps.channels.models import CHANNEL_DIRECT, Channel, ChannelMember
from apps.channels.services import channel_record_post, channels_view
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.posts.models import Post
from apps.posts.services.files import post_attach_files
from apps.posts.services.threads import thread_after_post
from apps.posts.validators import hashtags_of, validate_post
from apps.posts.wire import post_json

# A client that repeats a post (same pending_post_id) within this window gets the first one.
PENDING_POST_SECONDS = 30
CHANNEL_WIDE = frozenset({"channel", "all"})
MENTION_RE = re.compile(r"(?<![\w@])@([a-z0-9.\-_]+)", re.IGNORECASE)


def _pending_key(user_id: str, pending_post_id: str) -> str:
    return f"pending_post:{user_id}:{pending_post_id}"


def _root_for_reply(root_id: str, channel: Channel) -> Post:
    root = Post.objects.filter(pk=root_id, delete_at=0).first()
    if root is None or root.channel_id != channel.id:
        raise AppError(
            "api.post.create_post.root_id.app_error", "The post to reply to is not valid.", 400
        )
    if not root.is_root:
        # A reply to a reply: threads are one level deep.
        raise AppError(
            "api.post.create_post.root_id.app_error", "Replies go to a thread's first post.", 400
        )
    return root


def mentioned_user_ids(*, message: str, channel: Channel, author: User) -> list[str]:
    """Members of ``channel`` (not the author) this message mentions: by @username, by
    @channel / @all (everyone), by @here (everyone online); in a direct channel the other
    member always counts as mentioned."""
    members = ChannelMember.objects.filter(channel=channel).exclude(user_id=author.id)
    if channel.type == CHANNEL_DIRECT:
        return list(members.values_list("user_id", flat=True))
    words = {word.lower().rstrip(".-_") for word in MENTION_RE.findall(message)}
    if not words:
        return []
    if words & CHANNEL_WIDE:
        return list(members.values_list("user_id", flat=True))
    mentioned = set(members.filter(user__username__in=words).values_list("user_id", flat=True))
    if "here" in words:
        online = Status.objects.filter(status="online").values("user_id")
        mentioned |= set(members.filter(user_id__in=online).values_list("user_id", flat=True))
    return sorted(mentioned)


def post_create(
    *,
    author: User,
    channel: Channel,
    message: str,
    root_id: str = "",
    props: dict[str, Any] | None = None,
    file_ids: list[str] | None = None,
    pending_post_id: str = "",
    type: str = "",
    create_at: int | None = None,
    set_online: bool = True,
    system: bool = False,
) -> Post:
    """Post ``message`` in ``channel`` as ``author`` (permissions are the caller's job).

    ``system`` marks the server's own notices (``system_*`` types, see ``system_posts``):
    only they may carry such a type, and their text mentions nobody."""
    props = props or {}
    file_ids = file_ids or []
    validate_post(message=message, props=props, file_ids=file_ids, type=type, allow_system=system)
    if channel.delete_at:
        raise AppError(
            "api.post.create_post.can_not_post_to_deleted.error",
            "Nobody can post in an archived channel.",
            400,
        )
    cache = caches["default"]
    if pending_post_id:
        earlier = cache.get(_pending_key(author.id, pending_post_id))
        if earlier:
            existing = Post.objects.filter(pk=earlier).first()
            if existing is not None:
                return existing
    now = create_at or now_ms()
    with transaction.atomic():
        root = _root_for_reply(root_id, channel) if root_id else None
        post = Post.objects.create(
            user=author,
            channel=channel,
            message=message,
            root_id=root_id,
            props=props,
            file_ids=file_ids,
            pending_post_id=pending_post_id,
            type=type,
            hashtags=hashtags_of(message),
            create_at=now,
            update_at=now,
        )
        if file_ids:
            post_attach_files(post)
        if root is not None:
            _count_reply(root, post)
        channel_record_post(
            channel_id=channel.id,
            create_at=now,
            is_root=root is None,
            counted=not post.is_join_leave,
        )
        mentions = (
            [] if system else mentioned_user_ids(message=message, channel=channel, author=author)
        )
        if mentions:
            root_mention = 1 if root is None else 0
            ChannelMember.objects.filter(channel=channel, user_id__in=mentions).update(
                mention_count=F("mention_count") + 1,
                mention_count_root=F("mention_count_root") + root_mention,
            )
        followers = thread_after_post(root=root, post=post, mentioned=mentions)
        # Posting means the author has read the channel up to their own post.
        channels_view(user_id=author.id, channel_ids=[channel.id])
    if pending_post_id:
        cache.set(_pending_key(author.id, pending_post_id), post.id, PENDING_POST_SECONDS)
    publish(
        "posted",
        {
            "post": post_json(post),
            "channel_type": channel.type,
            "channel_display_name": channel.display_name,
            "channel_name": channel.name,
            "sender_name": f"@{author.username}",
            "team_id": channel.team_id or "",
            "set_online": set_online,
            "mentions": mentions,
            # The thread's followers (collapsed threads); each sees only their own id.
            "followers": followers,
        },
        Broadcast(channel_id=channel.id),
    )
    return post


def _count_reply(root: Post, reply: Post) -> None:
    """Keep the thread's totals on its root; the root changes (``update_at``) with it."""
    locked = Post.objects.select_for_update().get(pk=root.pk)
    participants = list(locked.participants)
    if reply.user_id not in participants:
        participants.append(reply.user_id)
    Post.objects.filter(pk=root.pk).update(
        reply_count=F("reply_count") + 1,
        last_reply_at=Greatest(F("last_reply_at"), Value(reply.create_at)),
        update_at=Greatest(F("update_at"), Value(reply.create_at)),
        participants=participants,
    )
