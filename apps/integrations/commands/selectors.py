"""Reads of custom slash commands."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.integrations.models import Command


def command_get(command_id: str) -> Command | None:
    """A live (not deleted) command, or None."""
    return Command.objects.filter(pk=command_id, delete_at=0).first()


def commands_of_team(team_id: str, *, creator_id: str = "") -> QuerySet[Command]:
    """The team's live commands, oldest first; only ``creator_id``'s when given."""
    commands = Command.objects.filter(team_id=team_id, delete_at=0).order_by("create_at", "id")
    if creator_id:
        commands = commands.filter(creator_id=creator_id)
    return commands


def command_for_trigger(team_id: str, trigger: str) -> Command | None:
    """The team's live command answering ``/trigger``."""
    return commands_of_team(team_id).filter(trigger=trigger).first()


def trigger_taken(*, team_id: str, trigger: str, other_than: str = "") -> bool:
    return commands_of_team(team_id).filter(trigger=trigger).exclude(pk=other_than).exists()
