"""Reads of channels and channel membership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.channels.models import Channel, ChannelMember
from apps.core.pagination import Page
from apps.teams.selectors import MARK_UNREAD_MENTION


def channel_get(channel_id: str) -> Channel | None:
    return Channel.objects.filter(pk=channel_id).first()


def channel_member_get(*, channel_id: str, user_id: str) -> ChannelMember | None:
    return ChannelMember.objects.filter(channel_id=channel_id, user_id=user_id).first()


# Membership and per-user lists


def channel_members_page(*, channel_id: str, page: Page) -> list[ChannelMember]:
    """One page of a channel's members, by user id."""
    return page.of(ChannelMember.objects.filter(channel_id=channel_id).order_by("user_id"))


def channel_members_by_user_ids(*, channel_id: str, user_ids: Iterable[str]) -> list[ChannelMember]:
    """The members of a channel among these users (ids that are not members are skipped)."""
    return list(
        ChannelMember.objects.filter(channel_id=channel_id, user_id__in=list(user_ids)).order_by(
            "user_id"
        )
    )


def _not_archived_before(
    channels: QuerySet[Channel], *, include_deleted: bool, last_delete_at: int
) -> QuerySet[Channel]:
    """Live channels only, or also archived ones (those archived at or after
    ``last_delete_at`` when it is set), as Mattermost filters a user's channel lists."""
    if not include_deleted:
        return channels.filter(delete_at=0)
    if last_delete_at:
        return channels.filter(Q(delete_at=0) | Q(delete_at__gte=last_delete_at))
    return channels


def channels_of_user_in_team(
    *, user_id: str, team_id: str, include_deleted: bool = False, last_delete_at: int = 0
) -> list[Channel]:
    """The team's channels the user belongs to plus all their direct and group channels,
    by display name."""
    channels = Channel.objects.filter(members__user_id=user_id).filter(
        Q(team_id=team_id) | Q(team__isnull=True)
    )
    channels = _not_archived_before(
        channels, include_deleted=include_deleted, last_delete_at=last_delete_at
    )
    return list(channels.order_by("display_name", "id"))


def channels_of_user(
    *, user_id: str, include_deleted: bool = False, last_delete_at: int = 0
) -> list[Channel]:
    """Every channel the user belongs to, in every team, by id."""
    channels = _not_archived_before(
        Channel.objects.filter(members__user_id=user_id),
        include_deleted=include_deleted,
        last_delete_at=last_delete_at,
    )
    return list(channels.order_by("id"))


def channel_memberships_of_user_in_team(*, user_id: str, team_id: str) -> list[ChannelMember]:
    """The user's memberships of the team's channels and of their direct and group channels."""
    return list(
        ChannelMember.objects.filter(user_id=user_id)
        .filter(Q(channel__team_id=team_id) | Q(channel__team__isnull=True))
        .order_by("channel_id")
    )


@dataclass(frozen=True)
class ChannelUnread:
    """What a member has not read in one channel: the channel's totals minus what they have
    seen, and their mentions."""

    team_id: str
    channel_id: str
    msg_count: int
    mention_count: int
    mention_count_root: int
    urgent_mention_count: int
    msg_count_root: int


def channel_unread_get(*, channel_id: str, user_id: str) -> ChannelUnread | None:
    """The member's unread counts, or None when the user is not a member. In a channel the
    member marks unread only on mentions, messages do not count (as in Mattermost)."""
    member = (
        ChannelMember.objects.select_related("channel")
        .filter(channel_id=channel_id, user_id=user_id)
        .first()
    )
    if member is None:
        return None
    channel = member.channel
    mentions_only = member.notify_props.get("mark_unread") == MARK_UNREAD_MENTION
    return ChannelUnread(
        team_id=channel.team_id or "",
        channel_id=channel.id,
        msg_count=0 if mentions_only else channel.total_msg_count - member.msg_count,
        mention_count=member.mention_count,
        mention_count_root=member.mention_count_root,
        urgent_mention_count=member.urgent_mention_count,
        msg_count_root=0 if mentions_only else channel.total_msg_count_root - member.msg_count_root,
    )


@dataclass(frozen=True)
class ChannelReadState:
    """Whether a member has anything left to read in a channel, and the time viewing it
    records: the later of the channel's last post and the member's last view."""

    channel_id: str
    unread: bool
    read_at: int


def channel_read_states(*, user_id: str, channel_ids: Iterable[str]) -> list[ChannelReadState]:
    """The read state of each of these channels the user belongs to, in one query."""
    rows = ChannelMember.objects.filter(
        user_id=user_id, channel_id__in=list(channel_ids)
    ).values_list(
        "channel_id",
        "msg_count",
        "mention_count",
        "last_viewed_at",
        "channel__total_msg_count",
        "channel__last_post_at",
    )
    return [
        ChannelReadState(
            channel_id=channel_id,
            unread=total > seen or mentions > 0,
            read_at=max(last_post_at, last_viewed_at),
        )
        for channel_id, seen, mentions, last_viewed_at, total, last_post_at in rows
    ]
