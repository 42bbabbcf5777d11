"""Marking a channel unread from one of its posts ("Mark as Unread")."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest

from apps.accounts.models import User
from apps.channels.models import CHANNEL_DIRECT, Channel, ChannelMember
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.posts.models import Post
from apps.posts.services.create import CHANNEL_WIDE, MENTION_RE


@dataclass(frozen=True)
class ChannelUnreadAt:
    """Mattermost's ``model.ChannelUnreadAt``: the member's counters after the change."""

    team_id: str
    user_id: str
    channel_id: str
    msg_count: int
    mention_count: int
    mention_count_root: int
    urgent_mention_count: int
    msg_count_root: int
    last_viewed_at: int

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _mentions(user: User, post: Post, *, direct: bool) -> bool:
    """Whether ``post`` mentions ``user``: by @username or a channel-wide mention, or any
    post by someone else in a direct channel."""
    if post.user_id == user.id:
        return False
    if direct:
        return True
    words = {word.lower().rstrip(".-_") for word in MENTION_RE.findall(post.message)}
    return user.username.lower() in words or bool(words & (CHANNEL_WIDE | {"here"}))


def posts_mentioning(user: User, posts: QuerySet[Post], *, direct: bool) -> list[Post]:
    """The posts among ``posts`` that mention ``user``. Only posts by others that could
    mention the user are read, not the whole history."""
    candidates = posts.exclude(user_id=user.id)
    if not direct:
        candidates = candidates.filter(message__contains="@")
    return [
        item
        for item in candidates.only("id", "user_id", "root_id", "message")
        if _mentions(user, item, direct=direct)
    ]


def post_set_unread(*, user: User, post: Post) -> ChannelUnreadAt:
    """Make ``post`` and everything after it in its channel unread for ``user``: the
    member's ``last_viewed_at`` moves to just before the post, ``msg_count`` drops by the
    live posts from there on, and the mentions among them are counted again. Publishes
    ``post_unread`` to the user."""
    channel = post.channel
    member = ChannelMember.objects.filter(channel_id=channel.id, user_id=user.id).first()
    if member is None:
        raise AppError(
            "app.channel.get_member.missing.app_error",
            "That user is not a member of the channel.",
            404,
        )
    last_viewed_at = post.create_at - 1
    unread = Post.objects.filter(channel_id=channel.id, create_at__gt=last_viewed_at, delete_at=0)
    counts = unread.aggregate(total=Count("id"), roots=Count("id", filter=Q(root_id="")))
    mentioned = posts_mentioning(user, unread, direct=channel.type == CHANNEL_DIRECT)
    totals = Channel.objects.filter(pk=OuterRef("channel_id"))
    with transaction.atomic():
        ChannelMember.objects.filter(pk=member.pk).update(
            msg_count=Greatest(
                Subquery(totals.values("total_msg_count")[:1]) - counts["total"], Value(0)
            ),
            msg_count_root=Greatest(
                Subquery(totals.values("total_msg_count_root")[:1]) - counts["roots"], Value(0)
            ),
            mention_count=len(mentioned),
            mention_count_root=sum(1 for item in mentioned if item.is_root),
            urgent_mention_count=0,
            last_viewed_at=last_viewed_at,
            last_update_at=now_ms(),
        )
        member = ChannelMember.objects.get(pk=member.pk)
    state = ChannelUnreadAt(
        team_id=channel.team_id or "",
        user_id=user.id,
        channel_id=channel.id,
        msg_count=member.msg_count,
        mention_count=member.mention_count,
        mention_count_root=member.mention_count_root,
        urgent_mention_count=member.urgent_mention_count,
        msg_count_root=member.msg_count_root,
        last_viewed_at=member.last_viewed_at,
    )
    publish(
        "post_unread",
        {
            "msg_count": state.msg_count,
            "msg_count_root": state.msg_count_root,
            "mention_count": state.mention_count,
            "mention_count_root": state.mention_count_root,
            "urgent_mention_count": state.urgent_mention_count,
            "last_viewed_at": state.last_viewed_at,
            "post_id": post.id,
        },
        Broadcast(user_id=user.id, channel_id=channel.id, team_id=state.team_id),
    )
    return state
