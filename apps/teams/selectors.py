"""Reads of teams and team membership."""

from __future__ import annotations

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
