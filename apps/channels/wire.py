"""A channel as Mattermost's ``model.Channel`` serialises it.

The v4 API and the WebSocket events the services publish (``channel_updated`` carries the
channel as a JSON string) send this same shape, so it lives here rather than in either.
Building it reads only the row itself: a list of channels costs no query per channel.
"""

from __future__ import annotations

import json
from typing import Any

from apps.channels.models import Channel


def channel_fields(channel: Channel) -> dict[str, Any]:
    """The channel's JSON object. Direct and group channels belong to no team
    (``team_id`` ""); schemes and retention policies do not exist here (null)."""
    return {
        "id": channel.id,
        "create_at": channel.create_at,
        "update_at": channel.update_at,
        "delete_at": channel.delete_at,
        "team_id": channel.team_id or "",
        "type": channel.type,
        "display_name": channel.display_name,
        "name": channel.name,
        "header": channel.header,
        "purpose": channel.purpose,
        "last_post_at": channel.last_post_at,
        "total_msg_count": channel.total_msg_count,
        "extra_update_at": channel.extra_update_at,
        "creator_id": channel.creator_id,
        "scheme_id": None,
        "props": channel.props,
        "group_constrained": channel.group_constrained,
        "shared": channel.shared,
        "total_msg_count_root": channel.total_msg_count_root,
        "policy_id": None,
        "last_root_post_at": channel.last_root_post_at,
    }


def channel_with_team_fields(channel: Channel) -> dict[str, Any]:
    """The channel with its team's names, as the admin-wide list sends it
    (``model.ChannelWithTeamData``). ``channel.team`` must be loaded with the channel."""
    team = channel.team
    return {
        **channel_fields(channel),
        "team_display_name": team.display_name if team else "",
        "team_name": team.name if team else "",
        "team_update_at": team.update_at if team else 0,
    }


def channel_json(channel: Channel) -> str:
    """The channel as a compact JSON string: what ``channel_updated`` carries."""
    return json.dumps(channel_fields(channel), separators=(",", ":"))
