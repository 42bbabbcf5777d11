"""Reads of teams and team membership."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.teams.models import Team, TeamMember


def team_get(team_id: str) -> Team | None:
    return Team.objects.filter(pk=team_id).first()


def team_get_by_name(name: str) -> Team | None:
    return Team.objects.filter(name=name).first()


def team_member_get(*, team_id: str, user_id: str) -> TeamMember | None:
    """The active membership of ``user_id`` in ``team_id``, if any."""
    return TeamMember.objects.filter(team_id=team_id, user_id=user_id, delete_at=0).first()


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


def team_find(reference: str) -> Team | None:
    """The team an operator names, by id or by name."""
    reference = reference.strip()
    return Team.objects.filter(Q(pk=reference) | Q(name=reference.lower())).first()


def team_get_by_invite_id(invite_id: str) -> Team | None:
    return Team.objects.filter(invite_id=invite_id).first() if invite_id else None


def team_roles_of_user(user_id: str, team_ids: list[str]) -> dict[str, list[str]]:
    """The user's roles in each of these teams they belong to, in one query."""
    members = TeamMember.objects.filter(user_id=user_id, team_id__in=team_ids, delete_at=0)
    return {member.team_id: member.roles.split() for member in members}


def team_member_counts(team_id: str) -> tuple[int, int]:
    """(members, members whose account is active) of the team, in one query."""
    counts = TeamMember.objects.filter(team_id=team_id, delete_at=0).aggregate(
        total=Count("user_id", distinct=True),
        active=Count("user_id", distinct=True, filter=Q(user__delete_at=0)),
    )
    return counts["total"], counts["active"]
