"""Team JSON as API v4 sends it, with the private fields each caller may not see blanked.
Plain functions; a list costs one query for the caller's team roles, never one per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.accounts.models import User
from apps.teams.models import Team
from apps.teams.permissions import team_secrets_for
from apps.teams.wire import team_fields


def teams_for_viewer(teams: Sequence[Team], viewer: User) -> list[dict[str, Any]]:
    """Each team as ``viewer`` may see it: the email only for those who manage the team,
    the invite id only for those who may invite to it."""
    secrets = team_secrets_for(viewer, [team.id for team in teams])
    return [
        team_fields(team, email=secrets[team.id].email, invite_id=secrets[team.id].invite_id)
        for team in teams
    ]


def team_for_viewer(team: Team, viewer: User) -> dict[str, Any]:
    return teams_for_viewer([team], viewer)[0]


def team_invite_info(team: Team) -> dict[str, str]:
    """What anyone holding the team's invite link may learn before joining."""
    return {
        "id": team.id,
        "name": team.name,
        "display_name": team.display_name,
        "description": team.description,
    }


def team_stats(team_id: str, total: int, active: int) -> dict[str, Any]:
    return {"team_id": team_id, "total_member_count": total, "active_member_count": active}
