"""The JSON shape of a slash command, as Mattermost sends it."""

from __future__ import annotations

from typing import Any

from apps.integrations.commands.builtins import BuiltinCommand
from apps.integrations.models import Command


def command_fields(command: Command) -> dict[str, Any]:
    return {
        "id": command.id,
        "token": command.token,
        "create_at": command.create_at,
        "update_at": command.update_at,
        "delete_at": command.delete_at,
        "creator_id": command.creator_id,
        "team_id": command.team_id,
        "trigger": command.trigger,
        "method": command.method,
        "username": command.username,
        "icon_url": command.icon_url,
        "auto_complete": command.auto_complete,
        "auto_complete_desc": command.auto_complete_desc,
        "auto_complete_hint": command.auto_complete_hint,
        "display_name": command.display_name,
        "description": command.description,
        "url": command.url,
        "plugin_id": "",
    }


# What only the command's managers may see: the secret token, where it calls, as whom.
SECRET_FIELDS = ("token", "creator_id", "method", "url", "username", "icon_url")


def command_fields_public(command: Command) -> dict[str, Any]:
    """A command as any team member sees it in a listing (Mattermost's Sanitize)."""
    return {**command_fields(command), **dict.fromkeys(SECRET_FIELDS, "")}


def builtin_command_fields(builtin: BuiltinCommand) -> dict[str, Any]:
    """A built-in command: no id, no owner, only what autocompletion shows."""
    return {
        "id": "",
        "token": "",
        "create_at": 0,
        "update_at": 0,
        "delete_at": 0,
        "creator_id": "",
        "team_id": "",
        "trigger": builtin.trigger,
        "method": "",
        "username": "",
        "icon_url": "",
        "auto_complete": True,
        "auto_complete_desc": builtin.description,
        "auto_complete_hint": builtin.hint,
        "display_name": builtin.display_name,
        "description": "",
        "url": "",
        "plugin_id": "",
    }
