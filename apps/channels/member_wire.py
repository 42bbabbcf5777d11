"""A channel member as Mattermost's ``model.ChannelMember`` serialises it.

The v4 API and the ``channel_member_updated`` event (which carries the member as a JSON
string) send the same shape, so it lives beside the models rather than in either.
"""

from __future__ import annotations

import json
from typing import Any

from apps.channels.models import ChannelMember


def channel_member_fields(member: ChannelMember) -> dict[str, Any]:
    return {
        "channel_id": member.channel_id,
        "user_id": member.user_id,
        "roles": member.roles,
        "last_viewed_at": member.last_viewed_at,
        "msg_count": member.msg_count,
        "mention_count": member.mention_count,
        "mention_count_root": member.mention_count_root,
        "urgent_mention_count": member.urgent_mention_count,
        "msg_count_root": member.msg_count_root,
        "notify_props": member.notify_props,
        "last_update_at": member.last_update_at,
        "scheme_guest": member.scheme_guest,
        "scheme_user": member.scheme_user,
        "scheme_admin": member.scheme_admin,
        "explicit_roles": member.explicit_roles,
    }


def channel_member_event_json(member: ChannelMember) -> str:
    """The member as a compact JSON string: what ``channel_member_updated`` carries."""
    return json.dumps(channel_member_fields(member), separators=(",", ":"))
