"""``manage.py channel``: the operator's channel tool.

    manage.py channel create --team TEAM --name NAME --display-name TEXT [--private] [--owner USER]
    manage.py channel list [--team TEAM] [--json] [--archived]
    manage.py channel archive TEAM:CHANNEL
    manage.py channel restore TEAM:CHANNEL
    manage.py channel add TEAM:CHANNEL USER
    manage.py channel remove TEAM:CHANNEL USER
    manage.py channel move TEAM:CHANNEL NEWTEAM [--force]

TEAM is a team name or id, CHANNEL a channel name or id in that team, USER a username, an
email address or a user id. Every change goes through the channel services, so the same
rules and events apply as on the API.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts.management.lookups import USER_HELP, find_user
from apps.accounts.selectors import users_by_ids
from apps.channels import selectors, services
from apps.channels.management.lookups import CHANNEL_HELP, find_channel, label
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE
from apps.core.commands import ActionCommand
from apps.teams.management.lookups import TEAM_HELP, find_team
from apps.teams.selectors import team_member_get


class Command(ActionCommand):
    help = "Create, list, archive, restore and move channels, and add or remove their members."

    actions: ClassVar[dict[str, str]] = {
        "create": "create",
        "list": "list_channels",
        "archive": "archive",
        "restore": "restore",
        "add": "add",
        "remove": "remove",
        "move": "move",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Create a public (or private) channel.")
        create.add_argument("--team", required=True, metavar="TEAM", help=TEAM_HELP)
        create.add_argument("--name", required=True, help="the channel's URL name, e.g. sales")
        create.add_argument("--display-name", required=True)
        create.add_argument("--private", action="store_true", help="Make it a private channel.")
        create.add_argument(
            "--owner", metavar="USER", help=f"{USER_HELP}; joins as the channel's admin"
        )

        listing = actions.add_parser("list", help="List live public and private channels.")
        listing.add_argument("--team", metavar="TEAM", help=f"only this team ({TEAM_HELP})")
        listing.add_argument("--json", action="store_true", help="Print a JSON array.")
        listing.add_argument("--archived", action="store_true", help="List archived channels.")

        for name, summary in (
            ("archive", "Archive a channel (its posts and members are kept)."),
            ("restore", "Bring an archived channel back."),
        ):
            actions.add_parser(name, help=summary).add_argument(
                "channel", metavar="TEAM:CHANNEL", help=CHANNEL_HELP
            )

        for name, summary in (
            ("add", "Add a member of the team to the channel."),
            ("remove", "Remove a member from the channel."),
        ):
            member = actions.add_parser(name, help=summary)
            member.add_argument("channel", metavar="TEAM:CHANNEL", help=CHANNEL_HELP)
            member.add_argument("user", metavar="USER", help=USER_HELP)

        move = actions.add_parser("move", help="Move a channel to another team.")
        move.add_argument("channel", metavar="TEAM:CHANNEL", help=CHANNEL_HELP)
        move.add_argument("team", metavar="NEWTEAM", help=TEAM_HELP)
        move.add_argument(
            "--force",
            action="store_true",
            help="Remove the members who are not in the new team instead of refusing.",
        )

    def create(self, options: dict[str, Any]) -> None:
        team = find_team(options["team"])
        owner = find_user(options["owner"]) if options["owner"] else None
        channel = services.channel_create(
            team=team,
            creator=owner,
            name=options["name"],
            display_name=options["display_name"],
            type=CHANNEL_PRIVATE if options["private"] else CHANNEL_OPEN,
        )
        kind = "private" if options["private"] else "public"
        self.stdout.write(f"Created the {kind} channel {label(channel)} ({channel.id}).")

    def list_channels(self, options: dict[str, Any]) -> None:
        team = find_team(options["team"]) if options["team"] else None
        channels = selectors.channels_for_operator(
            team_id=team.id if team else None, archived=options["archived"]
        )
        if options["json"]:
            rows = [
                {
                    "id": channel.id,
                    "team": channel.team.name if channel.team else "",
                    "name": channel.name,
                    "display_name": channel.display_name,
                    "type": channel.type,
                    "delete_at": channel.delete_at,
                }
                for channel in channels
            ]
            self.write_json(rows)
            return
        for channel in channels:
            self.stdout.write(
                f"{channel.id}  {label(channel)}  {channel.display_name}  {channel.type}"
            )

    def archive(self, options: dict[str, Any]) -> None:
        channel = find_channel(options["channel"])
        if channel.delete_at:
            raise CommandError(f"{label(channel)} is already archived.")
        services.channel_archive(channel=channel)
        self.stdout.write(f"{label(channel)} is now archived.")

    def restore(self, options: dict[str, Any]) -> None:
        channel = find_channel(options["channel"])
        if not channel.delete_at:
            raise CommandError(f"{label(channel)} is not archived.")
        services.channel_restore(channel=channel)
        self.stdout.write(f"{label(channel)} is active again.")

    def add(self, options: dict[str, Any]) -> None:
        channel, user = find_channel(options["channel"]), find_user(options["user"])
        if channel.delete_at:
            raise CommandError(f"{label(channel)} is archived; restore it first.")
        if team_member_get(team_id=channel.team_id or "", user_id=user.id) is None:
            raise CommandError(f"{user.username} is not a member of the team {channel.team}.")
        if selectors.channel_member_get(channel_id=channel.id, user_id=user.id) is not None:
            raise CommandError(f"{user.username} is already a member of {label(channel)}.")
        services.channel_member_add(channel=channel, user=user)
        self.stdout.write(f"{user.username} is now a member of {label(channel)}.")

    def remove(self, options: dict[str, Any]) -> None:
        channel, user = find_channel(options["channel"]), find_user(options["user"])
        services.channel_member_remove(channel=channel, user=user)
        self.stdout.write(f"{user.username} has left {label(channel)}.")

    def move(self, options: dict[str, Any]) -> None:
        channel, team = find_channel(options["channel"]), find_team(options["team"])
        if channel.team_id == team.id:
            raise CommandError(f"{label(channel)} is already in {team.name}.")
        outsiders = selectors.channel_member_ids_outside_team(
            channel_id=channel.id, team_id=team.id
        )
        # Deactivated members are dropped by the move anyway; only active ones hold it up.
        blocking = [user.username for user in users_by_ids(outsiders) if user.is_active]
        if blocking and not options["force"]:
            names = ", ".join(blocking)
            raise CommandError(
                f"These members of {label(channel)} are not in {team.name}: {names}. "
                "Add them to the team, or use --force to remove them from the channel."
            )
        services.channel_move(channel=channel, team=team, force=options["force"])
        self.stdout.write(f"{channel.name} is now in {team.name}.")
