"""A team as Mattermost's ``model.Team`` serialises it.

Both the v4 API (which then hides fields per caller) and the WebSocket events the services
publish (which always carry the sanitized copy) send this shape, so it lives here rather
than in either of them.
"""

from __future__ import annotations

import json
from typing import Any

from apps.teams.models import Team, TeamMember


def team_fields(team: Team, *, email: bool = True, invite_id: bool = True) -> dict[str, Any]:
    """The team's JSON object; ``email`` and ``invite_id`` are blanked unless asked for."""
    data: dict[str, Any] = {
        "id": team.id,
        "create_at": team.create_at,
        "update_at": team.update_at,
        "delete_at": team.delete_at,
        "display_name": team.display_name,
        "name": team.name,
        "description": team.description,
        "email": team.email if email else "",
        "type": team.type,
        "company_name": team.company_name,
        "allowed_domains": team.allowed_domains,
        "invite_id": team.invite_id if invite_id else "",
        "allow_open_invite": team.allow_open_invite,
    }
    if team.last_team_icon_update:
        # Mattermost omits the field while it is 0.
        data["last_team_icon_update"] = team.last_team_icon_update
    data.update(
        scheme_id=None,
        group_constrained=team.group_constrained,
        policy_id=None,
        cloud_limits_archived=team.cloud_limits_archived,
    )
    return data


def sanitized_team_json(team: Team) -> str:
    """The team without its email and invite id, as a compact JSON string: what team events
    carry in their ``team`` field."""
    return json.dumps(team_fields(team, email=False, invite_id=False), separators=(",", ":"))


def team_member_fields(member: TeamMember) -> dict[str, Any]:
    """A team membership as Mattermost's ``model.TeamMember`` serialises it."""
    return {
        "team_id": member.team_id,
        "user_id": member.user_id,
        "roles": member.roles,
        "delete_at": member.delete_at,
        "scheme_guest": member.scheme_guest,
        "scheme_user": member.scheme_user,
        "scheme_admin": member.scheme_admin,
        "explicit_roles": member.explicit_roles,
    }
