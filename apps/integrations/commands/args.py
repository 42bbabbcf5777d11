"""Where and by whom a slash command runs (Mattermost's ``CommandArgs``)."""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.teams.models import Team


@dataclass(frozen=True)
class CommandArgs:
    user: User
    channel: Channel
    # The channel's team, or for a direct or group message the team the client is in.
    team: Team
    root_id: str
    # Where the client reaches this server, for the ``goto_location`` of answers.
    site_url: str

    def channel_location(self, channel_name: str) -> str:
        """The address of a channel of the team, as the web app routes it."""
        return f"{self.site_url}/{self.team.name}/channels/{channel_name}"
