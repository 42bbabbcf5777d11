"""Writes of custom slash commands. Every check Mattermost makes on a command's fields
happens here, so each way in (API, admin) refuses the same things."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from apps.accounts.models import User
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.ids import new_id
from apps.integrations.commands.builtins import BUILTINS
from apps.integrations.commands.selectors import trigger_taken
from apps.integrations.models import COMMAND_METHOD_GET, COMMAND_METHOD_POST, Command
from apps.teams.models import Team

TRIGGER_MAX = 128
# Longest value of each text field, in characters: Mattermost's checks, and its columns
# for the fields it does not check.
TEXT_LIMITS = {
    "url": 1024,
    "display_name": 64,
    "description": 128,
    "username": 64,
    "icon_url": 1024,
    "auto_complete_desc": 1024,
    "auto_complete_hint": 1024,
}


@dataclass(frozen=True)
class CommandFields:
    """What the owner of a command chooses; the rest (ids, token, times) is the server's."""

    trigger: str = ""
    url: str = ""
    method: str = ""
    display_name: str = ""
    description: str = ""
    username: str = ""
    icon_url: str = ""
    auto_complete: bool = False
    auto_complete_desc: str = ""
    auto_complete_hint: str = ""

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _invalid(field: str, message: str) -> AppError:
    return AppError(f"model.command.is_valid.{field}.app_error", message, 400)


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_command_fields(data: CommandFields) -> None:
    """Mattermost's checks, in its order (the trigger first, then the URL, the method and
    the texts)."""
    trigger = data.trigger
    if not trigger or len(trigger) > TRIGGER_MAX or trigger.startswith("/") or " " in trigger:
        raise _invalid(
            "trigger",
            f"The trigger must be 1 to {TRIGGER_MAX} characters, without spaces or a leading '/'.",
        )
    if not data.url or len(data.url) > TEXT_LIMITS["url"]:
        raise _invalid("url", "The URL is required and may be at most 1024 characters long.")
    if not _is_http_url(data.url):
        raise _invalid("url_http", "The URL must be an http:// or https:// address.")
    if data.method not in (COMMAND_METHOD_POST, COMMAND_METHOD_GET):
        raise _invalid("method", "The method must be P (POST) or G (GET).")
    for name, limit in TEXT_LIMITS.items():
        if name != "url" and len(getattr(data, name)) > limit:
            raise _invalid(name, f"The {name} may be at most {limit} characters long.")


def _require_trigger_free(team_id: str, trigger: str, command_id: str = "") -> None:
    """A trigger belongs to one command of a team, and never to a built-in command."""
    if trigger in BUILTINS or trigger_taken(
        team_id=team_id, trigger=trigger, other_than=command_id
    ):
        raise AppError(
            "api.command.duplicate_trigger.app_error",
            f"The trigger /{trigger} is already in use.",
            400,
        )


def _normalised(data: CommandFields) -> CommandFields:
    """Triggers are case-insensitive: Mattermost stores them in lower case."""
    return CommandFields(**{**data.values(), "trigger": data.trigger.lower()})


def command_create(*, creator: User, team: Team, data: CommandFields) -> Command:
    data = _normalised(data)
    _require_trigger_free(team.id, data.trigger)
    validate_command_fields(data)
    return Command.objects.create(creator=creator, team=team, **data.values())


def command_update(*, command: Command, data: CommandFields) -> Command:
    """Replace every field the owner chooses; id, token, creator and team stay."""
    data = _normalised(data)
    _require_trigger_free(command.team_id, data.trigger, command.id)
    validate_command_fields(data)
    for name, value in data.values().items():
        setattr(command, name, value)
    command.update_at = now_ms()
    command.save()
    return command


def command_move(*, command: Command, team: Team) -> Command:
    _require_trigger_free(team.id, command.trigger, command.id)
    command.team = team
    command.update_at = now_ms()
    command.save(update_fields=["team", "update_at"])
    return command


def command_regenerate_token(*, command: Command) -> Command:
    """A new token; integrations checking the old one stop trusting calls until updated."""
    command.token = new_id()
    command.update_at = now_ms()
    command.save(update_fields=["token", "update_at"])
    return command


def command_delete(*, command: Command) -> None:
    """Deleting keeps the row, stamped, as Mattermost does; the trigger stops working."""
    now = now_ms()
    Command.objects.filter(pk=command.pk).update(delete_at=now, update_at=now)
