"""Reads behind the reaction, pin and flagged-post routes: reactions of posts, pinned and
flagged posts, and who may read which posts, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.accounts.models import Preference, User
from apps.channels.models import CHANNEL_OPEN, Channel, ChannelMember
from apps.core.pagination import Page
from apps.core.roles import roles_grant
from apps.posts.models import Post, Reaction
from apps.teams.selectors import team_memberships_in

FLAGGED_POST_CATEGORY = "flagged_post"
READ_CONTENT = "read_channel_content"
READ_PUBLIC = "read_public_channel"


def reaction_fields(reaction: Reaction) -> dict[str, Any]:
    """The reaction's JSON object, as Mattermost's ``model.Reaction`` serialises it."""
    return {
        "user_id": reaction.user_id,
        "post_id": reaction.post_id,
        "emoji_name": reaction.emoji_name,
        "create_at": reaction.create_at,
        "update_at": reaction.update_at,
        "delete_at": reaction.delete_at,
        "remote_id": reaction.remote_id,
        "channel_id": reaction.channel_id,
    }


def _live_reactions() -> Any:
    return Reaction.objects.filter(delete_at=0).order_by("create_at", "id")


def reactions_of_post(post_id: str) -> list[dict[str, Any]]:
    """The post's reactions (removed ones left out), oldest first."""
    return [reaction_fields(r) for r in _live_reactions().filter(post_id=post_id)]


def reactions_for_posts(post_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every requested post id mapped to its live reactions (``[]`` for none), in one query
    however many posts: what ``metadata.reactions`` and the bulk route need."""
    wanted = list(dict.fromkeys(post_ids))
    result: dict[str, list[dict[str, Any]]] = {post_id: [] for post_id in wanted}
    if not wanted:
        return result
    for reaction in _live_reactions().filter(post_id__in=wanted):
        result[reaction.post_id].append(reaction_fields(reaction))
    return result


def unique_emoji_count(post_id: str) -> int:
    """How many different emojis the post's live reactions use."""
    return (
        Reaction.objects.filter(post_id=post_id, delete_at=0)
        .values("emoji_name")
        .distinct()
        .count()
    )


def emoji_on_post(post_id: str, emoji_name: str) -> bool:
    return Reaction.objects.filter(post_id=post_id, emoji_name=emoji_name, delete_at=0).exists()


# Who may read which channels, for many channels at once


def readable_channel_ids(user: User, channels: Iterable[Channel]) -> set[str]:
    """The ids of ``channels`` whose posts ``user`` may read: ``read_channel_content``
    from their system, channel or team roles, or, for a public channel, the team's
    ``read_public_channel``. At most two queries however many channels."""
    channels = list({channel.id: channel for channel in channels}.values())
    if not channels:
        return set()
    if roles_grant(user.role_names, READ_CONTENT):
        return {channel.id for channel in channels}
    readable: set[str] = set()
    members = ChannelMember.objects.filter(
        user_id=user.id, channel_id__in=[channel.id for channel in channels]
    )
    for member in members:
        if roles_grant(member.roles.split(), READ_CONTENT):
            readable.add(member.channel_id)
    team_ids = {channel.team_id for channel in channels if channel.team_id}
    pending = [channel for channel in channels if channel.id not in readable and channel.team_id]
    if not pending:
        return readable
    public_readable = roles_grant(user.role_names, READ_PUBLIC)
    teams = team_memberships_in(user_id=user.id, team_ids=team_ids)
    for channel in pending:
        team_member = teams.get(channel.team_id or "")
        team_roles = team_member.roles.split() if team_member is not None else []
        if roles_grant(team_roles, READ_CONTENT) or (
            channel.type == CHANNEL_OPEN
            and (public_readable or roles_grant(team_roles, READ_PUBLIC))
        ):
            readable.add(channel.id)
    return readable


def posts_with_channels(post_ids: Iterable[str]) -> list[Post]:
    """The live posts among these ids with their channels loaded, in one query."""
    return list(Post.objects.filter(pk__in=list(post_ids), delete_at=0).select_related("channel"))


# Pinned and flagged posts


def _with_thread_reply_count(posts: QuerySet[Post]) -> QuerySet[Post]:
    """A reply carries its thread's count, as the root does (Mattermost's lists do)."""
    root_count = Post.objects.filter(pk=OuterRef("root_id")).values("reply_count")[:1]
    return posts.annotate(thread_reply_count=Subquery(root_count))


def _thread_counts_applied(posts: list[Post]) -> list[Post]:
    for post in posts:
        count = getattr(post, "thread_reply_count", None)
        if not post.is_root and count is not None:
            post.reply_count = count
    return posts


def page_with_thread_counts(posts: QuerySet[Post], page: Page) -> list[Post]:
    """One page of the ordered ``posts``, each reply carrying its thread's reply count,
    in one query."""
    return _thread_counts_applied(page.of(_with_thread_reply_count(posts)))


def pinned_posts(channel_id: str) -> list[Post]:
    """The channel's live pinned posts, oldest first (Mattermost's order), in one query."""
    posts = Post.objects.filter(channel_id=channel_id, is_pinned=True, delete_at=0)
    return _thread_counts_applied(list(_with_thread_reply_count(posts).order_by("create_at", "id")))


def flagged_posts(*, user_id: str, channel_id: str, team_id: str, page: Page) -> list[Post]:
    """One page of the live posts the user has flagged (preferences of category
    ``flagged_post`` named by post id) in channels they still belong to, newest first,
    with their channels loaded. A channel filter wins over a team filter; a team filter
    keeps direct and group messages, which belong to no team."""
    flagged = Preference.objects.filter(user_id=user_id, category=FLAGGED_POST_CATEGORY)
    member_of = ChannelMember.objects.filter(user_id=user_id).values("channel_id")
    posts = Post.objects.filter(
        pk__in=flagged.values("name"), channel_id__in=member_of, delete_at=0
    )
    if channel_id:
        posts = posts.filter(channel_id=channel_id)
    elif team_id:
        posts = posts.filter(Q(channel__team_id=team_id) | Q(channel__team__isnull=True))
    ordered = posts.select_related("channel").order_by("-create_at", "id")
    return page_with_thread_counts(ordered, page)
