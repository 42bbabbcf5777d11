"""Webhooks and slash commands as the last v3 server (Mattermost 4.10) wrote them: its
fields in its order, none of those later versions added (an incoming hook's
``channel_locked``, an outgoing hook's ``username`` and ``icon_url``, a command's
``plugin_id``, an answer's ``channel_id``, ``extra_responses`` ...)."""

from __future__ import annotations

from typing import Any

from apps.integrations.models import IncomingWebhook, OutgoingWebhook
from apps.integrations.wire import outgoing_webhook_fields

COMMAND_KEYS = (
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "team_id",
    "trigger",
    "method",
    "username",
    "icon_url",
    "auto_complete",
    "auto_complete_desc",
    "auto_complete_hint",
    "display_name",
    "description",
    "url",
)
COMMAND_RESPONSE_KEYS = (
    "response_type",
    "text",
    "username",
    "icon_url",
    "type",
    "props",
    "goto_location",
    "attachments",
)


def _picked(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: data[key] for key in keys}


def command_v3(command: dict[str, Any]) -> dict[str, Any]:
    """A command (custom or built-in) from its v4 JSON."""
    return _picked(command, COMMAND_KEYS)


def command_response_v3(answer: dict[str, Any]) -> dict[str, Any]:
    """What a command answered, from its v4 JSON."""
    return _picked(answer, COMMAND_RESPONSE_KEYS)


def incoming_hook_v3(hook: IncomingWebhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "create_at": hook.create_at,
        "update_at": hook.update_at,
        "delete_at": hook.delete_at,
        "user_id": hook.user_id,
        "channel_id": hook.channel_id,
        "team_id": hook.team_id,
        "display_name": hook.display_name,
        "description": hook.description,
        "username": hook.username,
        "icon_url": hook.icon_url,
    }


def outgoing_hook_v3(hook: OutgoingWebhook) -> dict[str, Any]:
    """v4's shape without the name and icon overrides, which 4.10's hooks did not have."""
    fields = outgoing_webhook_fields(hook)
    return {name: value for name, value in fields.items() if name not in ("username", "icon_url")}
