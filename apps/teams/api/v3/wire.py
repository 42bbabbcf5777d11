"""Team JSON as the last v3 server (Mattermost 4.10) wrote it: no scheme or policy fields,
team members as ``{team_id, user_id, roles, delete_at}``. Plain functions; a list costs
at most one query for the viewer's team roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.accounts.models import User
from apps.teams.models import Team, TeamMember
from apps.teams.permissions import teams_with_permissions
from apps.teams.selectors import TeamUnread


def team_json(team: Team, *, sanitized: bool) -> dict[str, Any]:
    """The team; ``sanitized`` blanks its email address and allowed domains, which only
    those who manage the team may see."""
    data: dict[str, Any] = {
        "id": team.id,
        "create_at": team.create_at,
        "update_at": team.update_at,
        "delete_at": team.delete_at,
        "display_name": team.display_name,
        "name": team.name,
        "description": team.description,
        "email": "" if sanitized else team.email,
        "type": team.type,
        "company_name": team.company_name,
        "allowed_domains": "" if sanitized else team.allowed_domains,
        "invite_id": team.invite_id,
        "allow_open_invite": team.allow_open_invite,
    }
    if team.last_team_icon_update:
        data["last_team_icon_update"] = team.last_team_icon_update
    return data


def teams_for_viewer(teams: Sequence[Team], viewer: User) -> list[dict[str, Any]]:
    """Each team, sanitized unless ``viewer`` manages it."""
    managed = teams_with_permissions(viewer, [team.id for team in teams], ("manage_team",))
    return [team_json(team, sanitized=team.id not in managed["manage_team"]) for team in teams]


def team_for_viewer(team: Team, viewer: User) -> dict[str, Any]:
    return teams_for_viewer([team], viewer)[0]


def team_map_for_viewer(teams: Sequence[Team], viewer: User) -> dict[str, dict[str, Any]]:
    """Teams keyed by id (v3's team maps), in Go's key order."""
    shown = teams_for_viewer(sorted(teams, key=lambda team: team.id), viewer)
    return {team["id"]: team for team in shown}


def team_member_json(member: TeamMember) -> dict[str, Any]:
    return {
        "team_id": member.team_id,
        "user_id": member.user_id,
        "roles": member.roles,
        "delete_at": member.delete_at,
    }


def team_stats_json(team_id: str, total: int, active: int) -> dict[str, Any]:
    return {"team_id": team_id, "total_member_count": total, "active_member_count": active}


def team_unread_json(unread: TeamUnread) -> dict[str, Any]:
    return {
        "team_id": unread.team_id,
        "msg_count": unread.msg_count,
        "mention_count": unread.mention_count,
    }


def invite_info_json(team: Team) -> dict[str, str]:
    """What an invite link tells before joining (a Go map: keys sorted)."""
    return {
        "description": team.description,
        "display_name": team.display_name,
        "id": team.id,
        "name": team.name,
    }
