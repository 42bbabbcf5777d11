"""The JSON shapes of incoming and outgoing webhooks, as Mattermost sends them."""

from __future__ import annotations

from typing import Any

from apps.integrations.models import IncomingWebhook, OutgoingWebhook


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


def outgoing_webhook_fields(hook: OutgoingWebhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "token": hook.token,
        "create_at": hook.create_at,
        "update_at": hook.update_at,
        "delete_at": hook.delete_at,
        "creator_id": hook.creator_id,
        # A hook of every public channel of its team has no channel: "" on the wire.
        "channel_id": hook.channel_id or "",
        "team_id": hook.team_id,
        "trigger_words": hook.trigger_words,
        "trigger_when": hook.trigger_when,
        "callback_urls": hook.callback_urls,
        "display_name": hook.display_name,
        "description": hook.description,
        "content_type": hook.content_type,
        "username": hook.username,
        "icon_url": hook.icon_url,
    }
