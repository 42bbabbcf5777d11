"""Who may manage which custom slash command, as Mattermost decides it. Where the caller
may not see a command at all, the answer is the same 404 as for a missing one, so ids of
other teams' commands do not leak."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import User
from apps.core.errors import AppError, permission_denied
from apps.integrations.commands.selectors import command_get
from apps.integrations.models import Command
from apps.teams.permissions import has_team_permission

MANAGE = "manage_slash_commands"
MANAGE_OTHERS = "manage_others_slash_commands"


def commands_disabled() -> AppError:
    return AppError(
        "api.command.disabled.app_error",
        "Custom slash commands have been turned off by the system administrator.",
        501,
    )


def require_commands_enabled() -> None:
    if not settings.MATTERMOST.enable_commands:
        raise commands_disabled()


def command_not_found() -> AppError:
    return AppError("store.sql_command.save.get.app_error", "No such slash command.", 404)


def may_manage_others(user: User, team_id: str) -> bool:
    return has_team_permission(user, team_id, MANAGE_OTHERS)


def live_command(command_id: str) -> Command:
    """The live command ``command_id``; a turned-off feature reads as missing, as in
    Mattermost."""
    command = command_get(command_id) if settings.MATTERMOST.enable_commands else None
    if command is None:
        raise command_not_found()
    return command


def require_manage_command(user: User, command: Command, *, hide_others: bool = False) -> None:
    """Without the right to manage the team's commands the command reads as missing;
    someone else's command needs ``manage_others_slash_commands`` (403, or 404 with
    ``hide_others``, as reading one does)."""
    if not has_team_permission(user, command.team_id, MANAGE):
        raise command_not_found()
    if command.creator_id != user.id and not may_manage_others(user, command.team_id):
        if hide_others:
            raise command_not_found()
        raise permission_denied(user.id, MANAGE_OTHERS)


def managed_command(user: User, command_id: str, *, hide_others: bool = False) -> Command:
    command = live_command(command_id)
    require_manage_command(user, command, hide_others=hide_others)
    return command
