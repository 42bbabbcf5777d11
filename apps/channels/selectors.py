"""Reads of channels and channel membership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel, ChannelMember
from apps.core.pagination import Page
from apps.teams.models import TeamMember
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


# Channel lookups and lists

# Mattermost caps these result lists (ChannelSearchDefaultLimit and SearchInTeam's limit).
AUTOCOMPLETE_LIMIT = 50
SEARCH_LIMIT = 100
NAMED_TYPES = (CHANNEL_OPEN, CHANNEL_PRIVATE)
_SEARCH_FIELDS = ("name", "display_name", "purpose")


def _in_listing_order(channels: QuerySet[Channel]) -> QuerySet[Channel]:
    """By display name as Mattermost lists channels, then by id so pages never overlap."""
    return channels.order_by("display_name", "id")


def _matching(term: str) -> Q:
    """Every word of ``term`` appears (case-insensitively) in the name, display name or
    purpose: Mattermost's substring match on the whole term, widened by its full-text
    match on the separate words."""
    condition = Q()
    for word in term.split():
        in_any_field = Q()
        for field in _SEARCH_FIELDS:
            in_any_field |= Q(**{f"{field}__icontains": word})
        condition &= in_any_field
    return condition


def _member_of(user_id: str) -> Q:
    return Q(id__in=ChannelMember.objects.filter(user_id=user_id).values("channel_id"))


def channel_get_by_name(
    *, team_id: str, name: str, include_deleted: bool = False
) -> Channel | None:
    """The team's channel called ``name``. As in Mattermost, direct and group channels
    (which belong to no team) are found by their names too."""
    channels = Channel.objects.filter(Q(team_id=team_id) | Q(team__isnull=True), name=name)
    if not include_deleted:
        channels = channels.filter(delete_at=0)
    return channels.first()


def channel_name_in_use(*, team_id: str, name: str, other_than: str = "") -> bool:
    """Whether a channel of the team (other than ``other_than``) is called ``name``."""
    return Channel.objects.filter(team_id=team_id, name=name).exclude(pk=other_than).exists()


def channel_get_unteamed(name: str) -> Channel | None:
    """The direct or group channel called ``name``, archived or not."""
    return Channel.objects.filter(team__isnull=True, name=name).first()


def channels_public_of_team(team_id: str) -> QuerySet[Channel]:
    return _in_listing_order(
        Channel.objects.filter(team_id=team_id, type=CHANNEL_OPEN, delete_at=0)
    )


def channels_private_of_team(team_id: str) -> QuerySet[Channel]:
    return _in_listing_order(
        Channel.objects.filter(team_id=team_id, type=CHANNEL_PRIVATE, delete_at=0)
    )


def channels_archived_of_team(
    *, team_id: str, user_id: str, every_private: bool
) -> QuerySet[Channel]:
    """The team's archived channels: the public ones, and the private ones ``user_id``
    belongs to (all of them with ``every_private``)."""
    channels = Channel.objects.filter(team_id=team_id, type__in=NAMED_TYPES).exclude(delete_at=0)
    if not every_private:
        channels = channels.filter(Q(type=CHANNEL_OPEN) | _member_of(user_id))
    return _in_listing_order(channels)


def channel_members_with_users(*, channel_id: str, limit: int | None) -> list[ChannelMember]:
    """The channel's members with active accounts, their users loaded, by username; at
    most ``limit`` of them (None: all)."""
    members = (
        ChannelMember.objects.select_related("user")
        .filter(channel_id=channel_id, user__delete_at=0)
        .order_by("user__username")
    )
    return list(members if limit is None else members[: max(limit, 0)])


def channels_public_by_ids(*, team_id: str, channel_ids: list[str]) -> list[Channel]:
    """The live public channels of the team among these ids; others are left out."""
    return list(channels_public_of_team(team_id).filter(id__in=channel_ids))


def channels_search_public(*, team_id: str, term: str) -> list[Channel]:
    return list(channels_public_of_team(team_id).filter(_matching(term))[:SEARCH_LIMIT])


def channels_public_not_joined(*, team_id: str, user_id: str) -> QuerySet[Channel]:
    """The team's live public channels ``user_id`` does not belong to, in listing order."""
    return channels_public_of_team(team_id).exclude(_member_of(user_id))


def channels_search_public_not_joined(*, team_id: str, user_id: str, term: str) -> list[Channel]:
    """The search for channels to join: public channels of the team ``user_id`` is not in."""
    channels = channels_public_not_joined(team_id=team_id, user_id=user_id)
    return list(channels.filter(_matching(term))[:SEARCH_LIMIT])


def channels_search_public_joined(*, team_id: str, user_id: str, term: str) -> list[Channel]:
    """The search for those who may not list the team's channels: only the public
    channels they belong to."""
    channels = channels_public_of_team(team_id).filter(_member_of(user_id), _matching(term))
    return list(channels[:SEARCH_LIMIT])


def channels_autocomplete(*, team_id: str, user_id: str, term: str) -> list[Channel]:
    """Live channels of the team matching ``term``: the public ones and the private ones
    ``user_id`` belongs to."""
    channels = Channel.objects.filter(team_id=team_id, type__in=NAMED_TYPES, delete_at=0).filter(
        Q(type=CHANNEL_OPEN) | _member_of(user_id), _matching(term)
    )
    return list(_in_listing_order(channels)[:AUTOCOMPLETE_LIMIT])


def channels_all(
    *, include_deleted: bool, exclude_names: tuple[str, ...] = ()
) -> QuerySet[Channel]:
    """Every public and private channel of every team, with its team loaded, by display
    name and then team display name (the system console's list)."""
    channels = Channel.objects.filter(type__in=NAMED_TYPES, team__isnull=False).select_related(
        "team"
    )
    if not include_deleted:
        channels = channels.filter(delete_at=0)
    if exclude_names:
        channels = channels.exclude(name__in=exclude_names)
    return channels.order_by("display_name", "team__display_name", "id")


def channel_member_counts(channel_id: str) -> tuple[int, int]:
    """(members, guests) of the channel whose accounts are active, in one query."""
    counts = ChannelMember.objects.filter(channel_id=channel_id, user__delete_at=0).aggregate(
        members=Count("pk"), guests=Count("pk", filter=Q(scheme_guest=True))
    )
    return counts["members"], counts["guests"]


def channel_ids_joined(*, user_id: str, channel_ids: list[str]) -> set[str]:
    """Those of ``channel_ids`` that ``user_id`` belongs to, in one query."""
    return set(
        ChannelMember.objects.filter(user_id=user_id, channel_id__in=channel_ids).values_list(
            "channel_id", flat=True
        )
    )


def users_sharing_a_team_or_channel(*, user_id: str, other_ids: list[str]) -> set[str]:
    """Those of ``other_ids`` who are in a team or a channel with ``user_id``: the users
    someone without ``view_members`` may still see."""
    teams = TeamMember.objects.filter(user_id=user_id, delete_at=0).values("team_id")
    channels = ChannelMember.objects.filter(user_id=user_id).values("channel_id")
    in_teams = TeamMember.objects.filter(
        team_id__in=teams, user_id__in=other_ids, delete_at=0
    ).values_list("user_id", flat=True)
    in_channels = ChannelMember.objects.filter(
        channel_id__in=channels, user_id__in=other_ids
    ).values_list("user_id", flat=True)
    return set(in_teams.union(in_channels))


def channel_member_ids_outside_team(*, channel_id: str, team_id: str) -> list[str]:
    """Members of the channel who are not current members of ``team_id``."""
    team_members = TeamMember.objects.filter(team_id=team_id, delete_at=0).values("user_id")
    return list(
        ChannelMember.objects.filter(channel_id=channel_id)
        .exclude(user_id__in=team_members)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def channels_for_operator(*, team_id: str | None, archived: bool) -> QuerySet[Channel]:
    """Public and private channels, of one team or all, live or archived, by team and name."""
    channels = Channel.objects.filter(type__in=NAMED_TYPES).select_related("team")
    if team_id is not None:
        channels = channels.filter(team_id=team_id)
    channels = channels.exclude(delete_at=0) if archived else channels.filter(delete_at=0)
    return channels.order_by("team__name", "name")


def channel_counts_by_type() -> dict[str, tuple[int, int]]:
    """For each channel type present, how many channels are live and how many archived."""
    rows = (
        Channel.objects.order_by()
        .values("type")
        .annotate(
            live=Count("pk", filter=Q(delete_at=0)), archived=Count("pk", filter=~Q(delete_at=0))
        )
    )
    return {row["type"]: (row["live"], row["archived"]) for row in rows}


def channel_find(*, team_id: str, reference: str) -> Channel | None:
    """The team's channel an operator names, by id or by name."""
    reference = reference.strip()
    return Channel.objects.filter(
        Q(pk=reference) | Q(name=reference.lower()), team_id=team_id
    ).first()
