"""How the operator commands find the team they are told about."""

from __future__ import annotations

from django.core.management.base import CommandError

from apps.teams.models import Team
from apps.teams.selectors import team_find

TEAM_HELP = "team name or id"


def find_team(reference: str) -> Team:
    team = team_find(reference)
    if team is None:
        raise CommandError(f"No team has the name or id {reference!r}.")
    return team
