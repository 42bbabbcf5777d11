"""Team, team member and unread JSON as API v4 sends it. Plain functions: one dict per row,
no queries."""

from __future__ import annotations

from typing import Any

from apps.core.errors import error_body
from apps.teams.models import TeamMember
from apps.teams.selectors import TeamUnread
from apps.teams.services import MemberAdded
from apps.teams.wire import team_member_fields

TEAM_MEMBER_SCHEMA = {
    "type": "object",
    "properties": {
        "team_id": {"type": "string"},
        "user_id": {"type": "string"},
        "roles": {"type": "string"},
        "delete_at": {"type": "integer"},
        "scheme_guest": {"type": "boolean"},
        "scheme_user": {"type": "boolean"},
        "scheme_admin": {"type": "boolean"},
        "explicit_roles": {"type": "string"},
    },
}
TEAM_MEMBER_LIST_SCHEMA = {"type": "array", "items": TEAM_MEMBER_SCHEMA}
TEAM_UNREAD_SCHEMA = {
    "type": "object",
    "properties": {
        "team_id": {"type": "string"},
        **{
            name: {"type": "integer"}
            for name in (
                "msg_count",
                "mention_count",
                "mention_count_root",
                "msg_count_root",
                "thread_count",
                "thread_mention_count",
                "thread_urgent_mention_count",
            )
        },
    },
}


def team_member_json(member: TeamMember) -> dict[str, Any]:
    return team_member_fields(member)


def team_unread_json(unread: TeamUnread) -> dict[str, Any]:
    return {
        "team_id": unread.team_id,
        "msg_count": unread.msg_count,
        "mention_count": unread.mention_count,
        "mention_count_root": unread.mention_count_root,
        "msg_count_root": unread.msg_count_root,
        "thread_count": unread.thread_count,
        "thread_mention_count": unread.thread_mention_count,
        "thread_urgent_mention_count": unread.thread_urgent_mention_count,
    }


def member_added_json(result: MemberAdded) -> dict[str, Any]:
    """One entry of a graceful batch add: the member, or the error that kept the user out."""
    return {
        "user_id": result.user_id,
        "member": team_member_json(result.member) if result.member is not None else None,
        "error": error_body(result.error) if result.error is not None else None,
    }
