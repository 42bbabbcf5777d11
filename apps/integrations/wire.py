"""The JSON shape of an incoming webhook, as Mattermost sends it."""

from __future__ import annotations

from typing import Any

from apps.integrations.models import IncomingWebhook


def incoming_webhook_fields(hook: IncomingWebhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "create_at": hook.create_at,
        "update_at": hook.update_at,
        "delete_at": hook.delete_at,
        "channel_id": hook.channel_id,
        "description": hook.description,
        "display_name": hook.display_name,
        "user_id": hook.user_id,
        "team_id": hook.team_id,
        "username": hook.username,
        "icon_url": hook.icon_url,
        "channel_locked": hook.channel_locked,
    }
