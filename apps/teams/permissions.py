"""Team-level permission checks: a team member's roles, then the user's system roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from apps.accounts.models import User
from apps.core.errors import permission_denied
from apps.core.roles import roles_grant
from apps.teams.models import TEAM_OPEN, Team
from apps.teams.selectors import team_member_get, team_memberships_in


def team_role_names(user: User, team_id: str) -> list[str]:
    member = team_member_get(team_id=team_id, user_id=user.id)
    return member.roles.split() if member is not None else []


def has_team_permission(user: User, team_id: str, permission: str) -> bool:
    if roles_grant(user.role_names, permission):
        return True  # system roles (system_admin holds everything) decide without a query
    return roles_grant(team_role_names(user, team_id), permission)


def require_team_permission(user: User, team_id: str, permission: str) -> None:
    if not has_team_permission(user, team_id, permission):
        raise permission_denied(user.id, permission)


# Listing, reading and editing teams


@dataclass(frozen=True)
class TeamListing:
    """Which teams a user may list. ``allow_open_invite`` None means both kinds."""

    allow_open_invite: bool | None
    include_archived: bool


def team_listing_for(user: User) -> TeamListing | None:
    """``list_public_teams`` shows teams that allow open invites, ``list_private_teams`` the
    others, both together every team; with neither the user may list nothing (None).
    Archived teams are shown only to those who may list every team (the admins)."""
    public = roles_grant(user.role_names, "list_public_teams")
    private = roles_grant(user.role_names, "list_private_teams")
    if public and private:
        return TeamListing(allow_open_invite=None, include_archived=True)
    if public or private:
        return TeamListing(allow_open_invite=public, include_archived=False)
    return None


def require_team_readable(user: User, team: Team) -> None:
    """Anyone may read a team that is open and allows open invites; any other team needs
    ``view_team`` (its members have it)."""
    if team.type == TEAM_OPEN and team.allow_open_invite:
        return
    require_team_permission(user, team.id, "view_team")


def team_visible_to(user: User, team: Team) -> bool:
    """Whether ``user`` may learn that ``team`` exists: they belong to it, or they may list
    teams of its kind."""
    if team_member_get(team_id=team.id, user_id=user.id) is not None:
        return True
    kind = "list_public_teams" if team.allow_open_invite else "list_private_teams"
    return roles_grant(user.role_names, kind)


@dataclass(frozen=True)
class TeamSecrets:
    """Which private team fields a user may see."""

    email: bool
    invite_id: bool


def team_secrets_for(user: User, team_ids: list[str]) -> dict[str, TeamSecrets]:
    """Per team: the email needs ``manage_team`` (and, unless email addresses are public,
    system admin rights); the invite id needs ``invite_user`` or ``manage_team``. At most
    one query for all the teams."""
    granted = teams_with_permissions(user, team_ids, ("manage_team", "invite_user"))
    manage, invite = granted["manage_team"], granted["invite_user"]
    emails = settings.MATTERMOST.show_email_address or user.is_system_admin
    return {
        team_id: TeamSecrets(
            email=emails and team_id in manage, invite_id=team_id in manage | invite
        )
        for team_id in team_ids
    }


# Membership


def teams_with_permissions(
    user: User, team_ids: Iterable[str], permissions: Iterable[str]
) -> dict[str, set[str]]:
    """For each permission, those of ``team_ids`` where ``user`` holds it; at most one
    query however many teams and permissions."""
    wanted = set(team_ids)
    members = None
    granted: dict[str, set[str]] = {}
    for permission in permissions:
        if roles_grant(user.role_names, permission):
            granted[permission] = set(wanted)
            continue
        if members is None:
            members = team_memberships_in(user_id=user.id, team_ids=wanted)
        granted[permission] = {
            team_id
            for team_id, member in members.items()
            if roles_grant(member.roles.split(), permission)
        }
    return granted
