"""Channel-level permission checks, as Mattermost evaluates them: the member's channel
roles, then (for team channels) the team roles, then the system roles."""

from __future__ import annotations

from apps.accounts.models import User
from apps.channels.selectors import channel_get, channel_member_get
from apps.core.errors import permission_denied
from apps.core.roles import roles_grant
from apps.teams.permissions import has_team_permission


def has_channel_permission(user: User, channel_id: str, permission: str) -> bool:
    if roles_grant(user.role_names, permission):
        return True
    member = channel_member_get(channel_id=channel_id, user_id=user.id)
    if member is not None and roles_grant(member.roles.split(), permission):
        return True
    channel = channel_get(channel_id)
    if channel is None or channel.team_id is None:
        return False
    return has_team_permission(user, channel.team_id, permission)


def require_channel_permission(user: User, channel_id: str, permission: str) -> None:
    if not has_channel_permission(user, channel_id, permission):
        raise permission_denied(user.id, permission)
