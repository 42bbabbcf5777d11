"""How the operator commands name channels: TEAM:CHANNEL, each part a name or an id."""

from __future__ import annotations

from django.core.management.base import CommandError

from apps.channels.models import Channel
from apps.channels.selectors import channel_find
from apps.teams.management.lookups import find_team

CHANNEL_HELP = "TEAM:CHANNEL, each a name or an id"


def label(channel: Channel) -> str:
    """How the commands name a channel: TEAM:CHANNEL."""
    return f"{channel.team.name if channel.team else ''}:{channel.name}"


def find_channel(reference: str) -> Channel:
    team_part, separator, channel_part = reference.partition(":")
    if not separator or not team_part.strip() or not channel_part.strip():
        raise CommandError(f"Name the channel as TEAM:CHANNEL, not {reference!r}.")
    team = find_team(team_part)
    channel = channel_find(team_id=team.id, reference=channel_part)
    if channel is None:
        raise CommandError(
            f"The team {team.name} has no channel named or with the id {channel_part!r}."
        )
    return channel
