"""Collapsed reply threads: who follows a thread, what they have not read in it, and the
events that keep their clients in step (``thread_updated``, ``thread_read_changed``,
``thread_follow_changed``).

When a reply is posted, these users follow its thread: the replier (always, even after
unfollowing it), the root's author (while still in the channel), the users the root or the
reply mentions, and the channel's members who auto-follow its threads. A user who
explicitly unfollowed the thread stays out unless this reply mentions them. A mention
counts one unread mention for the mentioned user; the replier has read the thread up to
their reply. Unread replies are never stored: they are counted from the posts.

``docs/collapsed-threads.md`` lists the rules and where they differ from Mattermost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Greatest

from apps.accounts.models import User
from apps.accounts.selectors import users_by_ids
from apps.channels.models import CHANNEL_DIRECT, Channel, ChannelMember
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.posts.errors import missing_post
from apps.posts.models import Post, ThreadMembership
from apps.posts.thread_selectors import (
    UserThread,
    thread_followers,
    thread_in_team,
    thread_membership_get,
)
from apps.posts.thread_wire import participants_json, thread_json

AUTO_FOLLOW_ON = "on"


def missing_membership() -> AppError:
    return AppError(
        "app.user.get_thread_membership_for_user.not_found",
        "That user has no membership of this thread.",
        404,
    )


def missing_thread() -> AppError:
    return AppError(
        "app.user.get_threads_for_user.not_found",
        "That user does not follow this thread, or it has no replies yet.",
        404,
    )


def _live_replies(root_id: str) -> Q:
    return Q(root_id=root_id, delete_at=0, original_id="")


# Posting a reply


@dataclass(frozen=True)
class _ReplyFollowers:
    """Whom a reply mentioned, and who follows its thread because of it (and did not
    before)."""

    mentioned: frozenset[str]
    new: frozenset[str]


def thread_after_post(*, root: Post | None, post: Post, mentioned: list[str]) -> list[str]:
    """``post_create``'s hook, run in its transaction once ``post`` is saved: for a reply
    (``root`` given), bring the thread's memberships up to date and tell every follower.
    Returns the ids of the thread's followers (none for a root post)."""
    if root is None:
        return []
    channel = post.channel
    followers = _follow_on_reply(root, post, channel, frozenset(mentioned))
    # What each follower sees before the replier's own read is recorded.
    states = thread_followers(root.id)
    _mark_read_by_replier(root.id, post)
    _announce_reply(root.id, post, channel, states, followers)
    return [state.user_id for state in states]


def _auto_followers(root: Post, channel: Channel) -> set[str]:
    """The root's author, if still in the channel, and (outside direct messages) the
    members who auto-follow the channel's threads, in one query."""
    wanted = Q(user_id=root.user_id)
    if channel.type != CHANNEL_DIRECT:
        wanted |= Q(notify_props__channel_auto_follow_threads=AUTO_FOLLOW_ON)
    members = ChannelMember.objects.filter(wanted, channel_id=channel.id)
    return set(members.values_list("user_id", flat=True))


def _mentioned_in_root(root: Post, channel: Channel) -> set[str]:
    if channel.type == CHANNEL_DIRECT or "@" not in root.message:
        return set()
    # Imported here: create imports this module (post_create calls the hook above).
    from apps.posts.services.create import mentioned_user_ids

    return set(mentioned_user_ids(message=root.message, channel=channel, author=root.user))


def _follow_on_reply(
    root: Post, reply: Post, channel: Channel, mentioned: frozenset[str]
) -> _ReplyFollowers:
    candidates = {reply.user_id, *mentioned, *_auto_followers(root, channel)}
    candidates |= _mentioned_in_root(root, channel)
    known: dict[str, bool] = dict(
        ThreadMembership.objects.filter(post_id=root.id, user_id__in=candidates).values_list(
            "user_id", "following"
        )
    )
    now = now_ms()
    fresh = sorted(candidates - set(known))
    ThreadMembership.objects.bulk_create(
        [
            ThreadMembership(
                post_id=root.id,
                user_id=user_id,
                following=True,
                last_viewed=0,
                last_updated=now,
                unread_mentions=1 if user_id in mentioned else 0,
            )
            for user_id in fresh
        ],
        ignore_conflicts=True,
    )
    counted = mentioned & set(known)
    if counted:
        # A mention brings back a user who had unfollowed the thread.
        ThreadMembership.objects.filter(post_id=root.id, user_id__in=counted).update(
            following=True, unread_mentions=F("unread_mentions") + 1, last_updated=now
        )
    came_back = {user_id for user_id in counted if not known[user_id]}
    # The replier follows again by replying, but is never news to their own client.
    new = (set(fresh) | came_back) - {reply.user_id}
    return _ReplyFollowers(mentioned=mentioned, new=frozenset(new))


def _mark_read_by_replier(root_id: str, reply: Post) -> None:
    """The replier follows the thread and has read it up to their reply."""
    ThreadMembership.objects.filter(post_id=root_id, user_id=reply.user_id).update(
        following=True,
        last_viewed=Greatest(F("last_viewed"), Value(reply.create_at)),
        unread_mentions=0,
        last_updated=now_ms(),
    )


def _announce_reply(
    root_id: str,
    reply: Post,
    channel: Channel,
    states: list[UserThread],
    followers: _ReplyFollowers,
) -> None:
    """``thread_updated`` to every follower: the thread as they now see it, and what they
    had unread before this reply (nothing, for a new follower)."""
    root = Post.objects.get(pk=root_id)
    users = {
        user.id: user
        for user in users_by_ids([*root.participants, *(state.user_id for state in states)])
    }
    for state in states:
        previous_replies = previous_mentions = 0
        if state.user_id not in followers.new:
            previous_replies = max(state.unread_replies - 1, 0)
            mentioned_now = 1 if state.user_id in followers.mentioned else 0
            previous_mentions = max(state.unread_mentions - mentioned_now, 0)
        now_seen = replace(state, root=root)
        if state.user_id == reply.user_id:
            read_to = max(state.last_viewed, reply.create_at)
            now_seen = replace(now_seen, last_viewed=read_to, unread_replies=0, unread_mentions=0)
        participants = participants_json(root.participants, users, users.get(state.user_id))
        publish(
            "thread_updated",
            {
                "thread": thread_json(now_seen, participants),
                "previous_unread_mentions": previous_mentions,
                "previous_unread_replies": previous_replies,
            },
            Broadcast(user_id=state.user_id, team_id=channel.team_id or ""),
        )


# Deleting a reply


def thread_reply_removed(*, reply: Post, now: int) -> None:
    """Run once a live reply is deleted (softly or for good), in that transaction: its
    root's totals are counted again from the live replies (``reply_count``,
    ``last_reply_at``, and ``participants``, which the author leaves with their last live
    reply), and the mention it held comes off the unread mentions of those who had not
    read it."""
    from apps.posts.services.create import mentioned_user_ids  # create imports this module

    live = Post.objects.filter(_live_replies(reply.root_id))
    totals = live.aggregate(count=Count("id"), last=Max("create_at"))
    stays = live.filter(user_id=reply.user_id).exists()
    root = Post.objects.select_for_update().get(pk=reply.root_id)
    participants = [p for p in root.participants if stays or p != reply.user_id]
    Post.objects.filter(pk=root.pk).update(
        reply_count=totals["count"],
        last_reply_at=totals["last"] or 0,
        participants=participants,
        update_at=Greatest(F("update_at"), Value(now)),
    )
    mentioned = mentioned_user_ids(message=reply.message, channel=reply.channel, author=reply.user)
    if mentioned:
        ThreadMembership.objects.filter(
            post_id=root.pk,
            user_id__in=mentioned,
            last_viewed__lt=reply.create_at,
            unread_mentions__gt=0,
        ).update(unread_mentions=F("unread_mentions") - 1)


# A user's read state and following


def _count_mentions(user: User, root: Post, *, after: int) -> int:
    """The live replies after ``after`` that mention ``user``."""
    from apps.posts.services.unread import posts_mentioning

    replies = Post.objects.filter(_live_replies(root.id), create_at__gt=after)
    return len(posts_mentioning(user, replies, direct=root.channel.type == CHANNEL_DIRECT))


def thread_mark_read(*, user: User, root_id: str, team_id: str, timestamp: int) -> UserThread:
    """Move where ``user`` has read the thread to ``timestamp`` (forwards or back) and
    count their unread mentions after it again; publishes ``thread_read_changed``.

    404 without a membership or a live root. As in Mattermost, the read state of a thread
    the user does not follow is saved, and then refused with a 404."""
    with transaction.atomic():
        membership = (
            ThreadMembership.objects.select_for_update()
            .filter(user_id=user.id, post_id=root_id)
            .first()
        )
        if membership is None:
            raise missing_membership()
        previous_replies = Post.objects.filter(
            _live_replies(root_id), create_at__gt=membership.last_viewed
        ).count()
        root = Post.objects.select_related("channel").filter(pk=root_id, delete_at=0).first()
        if root is None:
            raise missing_post()
        mentions = _count_mentions(user, root, after=timestamp)
        ThreadMembership.objects.filter(pk=membership.pk).update(
            last_viewed=timestamp, unread_mentions=mentions, last_updated=now_ms()
        )
    state = thread_membership_get(user_id=user.id, root_id=root_id)
    if state is None or not state.thread.following or not state.thread_exists:
        raise missing_thread()
    thread = state.thread
    publish(
        "thread_read_changed",
        {
            "thread_id": root_id,
            "timestamp": timestamp,
            "unread_mentions": thread.unread_mentions,
            "unread_replies": thread.unread_replies,
            "previous_unread_mentions": membership.unread_mentions,
            "previous_unread_replies": previous_replies,
            "channel_id": root.channel_id,
        },
        Broadcast(user_id=user.id, team_id=team_id),
    )
    return thread


def thread_set_unread(*, user: User, root_id: str, team_id: str, post: Post) -> UserThread:
    """Make ``post`` (the root or one of its replies) and everything after it unread."""
    if post.id != root_id and post.root_id != root_id:
        raise AppError(
            "app.user.update_thread_read_for_user_by_post.app_error",
            "The post is not part of that thread.",
            400,
        )
    return thread_mark_read(
        user=user, root_id=root_id, team_id=team_id, timestamp=post.create_at - 1
    )


def threads_mark_all_read(*, user_id: str, team_id: str) -> None:
    """Mark every thread of the user in the team (and in direct and group messages) read
    now; publishes ``thread_read_changed`` without data, which clients take as "all"."""
    now = now_ms()
    ThreadMembership.objects.filter(thread_in_team(team_id), user_id=user_id).update(
        last_viewed=now, unread_mentions=0, last_updated=now
    )
    publish("thread_read_changed", {}, Broadcast(user_id=user_id, team_id=team_id))


def thread_set_following(*, user_id: str, root: Post, team_id: str, following: bool) -> None:
    """Follow (which also marks the thread read) or stop following the thread; publishes
    ``thread_follow_changed``."""
    now = now_ms()
    read = {"last_viewed": now, "unread_mentions": 0} if following else {}
    with transaction.atomic():
        membership, created = ThreadMembership.objects.get_or_create(
            post_id=root.id,
            user_id=user_id,
            defaults={"following": following, "last_updated": now, **read},
        )
        if not created and (following or membership.following):
            ThreadMembership.objects.filter(pk=membership.pk).update(
                following=following, last_updated=now, **read
            )
    publish(
        "thread_follow_changed",
        {"thread_id": root.id, "state": following, "reply_count": root.reply_count},
        Broadcast(user_id=user_id, team_id=team_id),
    )


def thread_memberships_leave_channel(*, user_id: str, channel_id: str) -> None:
    """A user who leaves a channel stops following its threads, and their read state in
    them is forgotten (as Mattermost does)."""
    ThreadMembership.objects.filter(user_id=user_id, post__channel_id=channel_id).delete()
