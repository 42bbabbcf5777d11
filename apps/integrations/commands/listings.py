"""The lists of commands autocompletion offers: the built-in ones and a team's custom
ones, without the secrets only a command's managers may see. Every API face lists the
same commands; each writes them in its own shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.integrations.commands.builtins import BUILTINS
from apps.integrations.commands.selectors import commands_of_team
from apps.integrations.commands.wire import builtin_command_fields, command_fields_public


def builtin_listing() -> list[dict[str, Any]]:
    return [builtin_command_fields(BUILTINS[trigger]) for trigger in sorted(BUILTINS)]


def autocomplete_listing(team_id: str) -> list[dict[str, Any]]:
    """What any team member may see: the team's custom commands offered for
    autocompletion (without their secrets), then the built-in ones."""
    listing: list[dict[str, Any]] = []
    if settings.MATTERMOST.enable_commands:
        customs = commands_of_team(team_id).filter(auto_complete=True)
        listing = [command_fields_public(command) for command in customs]
    taken = {entry["trigger"] for entry in listing}
    return listing + [entry for entry in builtin_listing() if entry["trigger"] not in taken]
