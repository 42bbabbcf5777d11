"""Reads of teams and team membership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest

from apps.channels.models import ChannelMember
from apps.core.pagination import Page
from apps.teams.models import Team, TeamMember


def team_get(team_id: str) -> Team | None:
    return Team.objects.filter(pk=team_id).first()


def team_get_by_name(name: str) -> Team | None:
    return Team.objects.filter(name=name).first()


def team_member_get(*, team_id: str, user_id: str) -> TeamMember | None:
    """The active membership of ``user_id`` in ``team_id``, if any."""
    return TeamMember.objects.filter(team_id=team_id, user_id=user_id, delete_at=0).first()


def team_membership_with_team(*, user_id: str, team_id: str = "") -> TeamMember | None:
    """The user's active membership, with its team loaded, of ``team_id`` or (without one)
    of the live team they joined first; None when there is no such membership or the team
    is archived."""
    members = TeamMember.objects.select_related("team").filter(
        user_id=user_id, delete_at=0, team__delete_at=0
    )
    if team_id:
        return members.filter(team_id=team_id).first()
    return members.order_by("create_at", "team_id").first()


def team_active_member_count(team_id: str) -> int:
    return TeamMember.objects.filter(team_id=team_id, delete_at=0, user__delete_at=0).count()


# Listing teams


def teams_listed(*, allow_open_invite: bool | None, include_archived: bool) -> QuerySet[Team]:
    """Teams in listing order (display name, then id, so pages never overlap): all of them,
    or only those that do (or do not) allow open invites; archived ones only if asked."""
    teams = Team.objects.order_by("display_name", "id")
    if allow_open_invite is not None:
        teams = teams.filter(allow_open_invite=allow_open_invite)
    if not include_archived:
        teams = teams.filter(delete_at=0)
    return teams


def teams_search(
    *,
    term: str,
    allow_open_invite: bool | None,
    group_constrained: bool | None,
    team_type: str | None,
    include_archived: bool,
) -> QuerySet[Team]:
    """Teams whose name or display name contains ``term`` (case-insensitively), in listing
    order. As in Mattermost, the two flags widen each other: with both given, a team
    matching either one is found."""
    teams = Team.objects.order_by("display_name", "id")
    if term:
        teams = teams.filter(Q(name__icontains=term) | Q(display_name__icontains=term))
    flags: Q | None = None
    if allow_open_invite is not None:
        # An invite-only team that a group syncs is not listed among the invite-only ones.
        flags = (
            Q(allow_open_invite=True)
            if allow_open_invite
            else Q(allow_open_invite=False) & ~Q(group_constrained=True)
        )
    if group_constrained is not None:
        constrained = Q(group_constrained=True) if group_constrained else ~Q(group_constrained=True)
        flags = constrained if flags is None else flags | constrained
    if flags is not None:
        teams = teams.filter(flags)
    if team_type is not None:
        teams = teams.filter(type=team_type)
    if not include_archived:
        teams = teams.filter(delete_at=0)
    return teams


def teams_for_operator(*, archived: bool) -> QuerySet[Team]:
    """Every live team, or every archived one, by name."""
    teams = Team.objects.order_by("name")
    return teams.exclude(delete_at=0) if archived else teams.filter(delete_at=0)


def team_counts() -> tuple[int, int]:
    """How many teams are live and how many archived, in one query."""
    counts = Team.objects.aggregate(
        live=Count("pk", filter=Q(delete_at=0)), archived=Count("pk", filter=~Q(delete_at=0))
    )
    return counts["live"], counts["archived"]


def team_find(reference: str) -> Team | None:
    """The team an operator names, by id or by name."""
    reference = reference.strip()
    return Team.objects.filter(Q(pk=reference) | Q(name=reference.lower())).first()


def team_get_by_invite_id(invite_id: str) -> Team | None:
    return Team.objects.filter(invite_id=invite_id).first() if invite_id else None


def team_member_counts(team_id: str) -> tuple[int, int]:
    """(members, members whose account is active) of the team, in one query."""
    counts = TeamMember.objects.filter(team_id=team_id, delete_at=0).aggregate(
        total=Count("user_id", distinct=True),
        active=Count("user_id", distinct=True, filter=Q(user__delete_at=0)),
    )
    return counts["total"], counts["active"]


# Membership lists


SORT_BY_USERNAME = "Username"
# A channel member's ``mark_unread`` notify prop: count only mentions, not messages.
MARK_UNREAD_MENTION = "mention"


def team_membership_get(*, team_id: str, user_id: str) -> TeamMember | None:
    """The membership row of ``user_id`` in ``team_id``, kept after they left (``delete_at``
    set), as Mattermost's member lookups return it."""
    return TeamMember.objects.filter(team_id=team_id, user_id=user_id).first()


def team_members_page(
    *, team_id: str, page: Page, sort: str = "", exclude_deleted_users: bool = False
) -> list[TeamMember]:
    """One page of a team's current members, by user id or (``sort="Username"``) by
    username; ``exclude_deleted_users`` leaves out deactivated accounts."""
    members = TeamMember.objects.filter(team_id=team_id, delete_at=0)
    if exclude_deleted_users:
        members = members.filter(user__delete_at=0)
    order = "user__username" if sort == SORT_BY_USERNAME else "user_id"
    return page.of(members.order_by(order, "user_id"))


def team_members_with_users(team_id: str) -> list[TeamMember]:
    """Every current member of the team with their user loaded, by username (one query)."""
    return list(
        TeamMember.objects.select_related("user")
        .filter(team_id=team_id, delete_at=0)
        .order_by("user__username")
    )


def team_members_by_user_ids(*, team_id: str, user_ids: list[str]) -> list[TeamMember]:
    """The current members of a team among these users (unknown ids are skipped)."""
    return list(
        TeamMember.objects.filter(team_id=team_id, user_id__in=user_ids, delete_at=0).order_by(
            "user_id"
        )
    )


def team_memberships_of_user(user_id: str) -> list[TeamMember]:
    """Every membership of a user, those they left included (``delete_at`` tells)."""
    return list(TeamMember.objects.filter(user_id=user_id).order_by("team_id"))


def team_memberships_active_of_user(user_id: str) -> list[TeamMember]:
    """The user's current memberships, in teams not archived."""
    return list(
        TeamMember.objects.filter(user_id=user_id, delete_at=0, team__delete_at=0).order_by(
            "team_id"
        )
    )


def team_memberships_in(*, user_id: str, team_ids: Iterable[str]) -> dict[str, TeamMember]:
    """The user's current memberships among these teams, by team id, in one query."""
    members = TeamMember.objects.filter(user_id=user_id, team_id__in=list(team_ids), delete_at=0)
    return {member.team_id: member for member in members}


def teams_of_user(user_id: str) -> list[Team]:
    """The teams, not archived, that the user currently belongs to."""
    return list(
        Team.objects.filter(delete_at=0, members__user_id=user_id, members__delete_at=0).order_by(
            "display_name", "id"
        )
    )


@dataclass(frozen=True)
class TeamUnread:
    """What a user has not read in a team's channels. The thread counts are filled in
    only when asked for (``apps.posts.thread_selectors.thread_unreads_by_team``)."""

    team_id: str
    msg_count: int = 0
    mention_count: int = 0
    mention_count_root: int = 0
    msg_count_root: int = 0
    thread_count: int = 0
    thread_mention_count: int = 0
    thread_urgent_mention_count: int = 0


def _team_unreads(
    user_id: str, *, team_id: str = "", exclude_team_id: str = ""
) -> list[TeamUnread]:
    """Per team, sums over the user's memberships of the team's live channels, in one
    query. Unread messages are the channel's total minus what the member has seen, except
    in channels the member marks unread only on mentions (as Mattermost counts them)."""

    def unseen(total: str, seen: str) -> Sum:
        missed = Greatest(
            F(f"channel__{total}") - F(seen), Value(0), output_field=BigIntegerField()
        )
        mentions_only = Q(notify_props__mark_unread=MARK_UNREAD_MENTION)
        return Sum(
            Case(When(mentions_only, then=Value(0)), default=missed, output_field=BigIntegerField())
        )

    memberships = ChannelMember.objects.filter(
        user_id=user_id, channel__delete_at=0, channel__team__isnull=False
    )
    if team_id:
        memberships = memberships.filter(channel__team_id=team_id)
    if exclude_team_id:
        memberships = memberships.exclude(channel__team_id=exclude_team_id)
    rows = (
        memberships.values("channel__team_id")
        .annotate(
            msg_count=unseen("total_msg_count", "msg_count"),
            msg_count_root=unseen("total_msg_count_root", "msg_count_root"),
            mention_count=Sum("mention_count"),
            mention_count_root=Sum("mention_count_root"),
        )
        .order_by("channel__team_id")
    )
    return [
        TeamUnread(
            team_id=row["channel__team_id"],
            msg_count=row["msg_count"],
            mention_count=row["mention_count"],
            mention_count_root=row["mention_count_root"],
            msg_count_root=row["msg_count_root"],
        )
        for row in rows
    ]


def team_unreads_for_user(*, user_id: str, exclude_team_id: str = "") -> list[TeamUnread]:
    """The user's unread counts for every team whose channels they are in."""
    return _team_unreads(user_id, exclude_team_id=exclude_team_id)


def team_unread_for_user(*, user_id: str, team_id: str) -> TeamUnread:
    found = _team_unreads(user_id, team_id=team_id)
    return found[0] if found else TeamUnread(team_id=team_id)
