"""Team-level permission checks: a team member's roles, then the user's system roles."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import permission_denied
from apps.core.roles import roles_grant
from apps.teams.selectors import team_member_get


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


# Membership

from collections.abc import Iterable  # noqa: E402

from apps.teams.selectors import team_memberships_in  # noqa: E402


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
