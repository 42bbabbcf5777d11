"""A team as Mattermost 1.4's ``model.Team`` serialised it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.accounts.models import User
from apps.teams.models import Team
from apps.teams.permissions import team_secrets_for


def v1_team(team: Team, *, email: bool, invite_id: bool, domains: bool = True) -> dict[str, Any]:
    """The 13 fields of a 1.x team. ``email``, ``invite_id`` and ``allowed_domains`` are
    blanked unless the caller may see them. ``allow_team_listing`` (a 1.x directory
    switch) does not exist here: always false."""
    return {
        "id": team.id,
        "create_at": team.create_at,
        "update_at": team.update_at,
        "delete_at": team.delete_at,
        "display_name": team.display_name,
        "name": team.name,
        "email": team.email if email else "",
        "type": team.type,
        "company_name": team.company_name,
        "allowed_domains": team.allowed_domains if domains else "",
        "invite_id": team.invite_id if invite_id else "",
        "allow_open_invite": team.allow_open_invite,
        "allow_team_listing": False,
    }


def v1_teams_for_viewer(teams: Sequence[Team], viewer: User) -> dict[str, dict[str, Any]]:
    """``{team_id: team}`` with each team's private fields as API v4 would show them to
    ``viewer`` (one query for all the teams)."""
    secrets = team_secrets_for(viewer, [team.id for team in teams])
    return {
        team.id: v1_team(team, email=secrets[team.id].email, invite_id=secrets[team.id].invite_id)
        for team in teams
    }


def v1_team_for_viewer(team: Team, viewer: User) -> dict[str, Any]:
    return v1_teams_for_viewer([team], viewer)[team.id]


def v1_team_sanitized(team: Team) -> dict[str, Any]:
    """What anyone may learn of a team (1.x's ``Sanitize``, plus the invite id, which here
    opens the team to whoever holds it)."""
    return v1_team(team, email=False, invite_id=False, domains=False)
