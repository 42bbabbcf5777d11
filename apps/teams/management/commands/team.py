"""``manage.py team``: the operator's team tool.

    manage.py team create --name NAME --display-name TEXT [--type O|I] --owner USER
    manage.py team list [--json] [--archived]
    manage.py team archive TEAM
    manage.py team restore TEAM
    manage.py team add TEAM USER [--admin]
    manage.py team remove TEAM USER

TEAM is a team name or id; USER a username, an email address or a user id. Every change
goes through the team services, so the same rules, channel joins and events apply as on
the API.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts.management.lookups import USER_HELP, find_user
from apps.core.commands import ActionCommand
from apps.teams import selectors, services
from apps.teams.management.lookups import TEAM_HELP, find_team
from apps.teams.models import TEAM_INVITE, TEAM_OPEN


class Command(ActionCommand):
    help = "Create, list, archive and restore teams, and add or remove their members."

    actions: ClassVar[dict[str, str]] = {
        "create": "create",
        "list": "list_teams",
        "archive": "archive",
        "restore": "restore",
        "add": "add",
        "remove": "remove",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser(
            "create", help="Create a team with its default channels; the owner becomes its admin."
        )
        create.add_argument("--name", required=True, help="the team's URL name, e.g. sales-emea")
        create.add_argument("--display-name", required=True)
        create.add_argument(
            "--type",
            choices=(TEAM_OPEN, TEAM_INVITE),
            default=TEAM_OPEN,
            help="O: anyone may find and join it; I: by invitation only (default O)",
        )
        create.add_argument("--owner", required=True, metavar="USER", help=USER_HELP)

        listing = actions.add_parser("list", help="List live teams by name.")
        listing.add_argument("--json", action="store_true", help="Print a JSON array.")
        listing.add_argument("--archived", action="store_true", help="List archived teams.")

        for name, summary in (
            ("archive", "Archive a team (its channels and members are kept)."),
            ("restore", "Bring an archived team back."),
        ):
            actions.add_parser(name, help=summary).add_argument(
                "team", metavar="TEAM", help=TEAM_HELP
            )

        add = actions.add_parser("add", help="Add a user to a team and its default channels.")
        add.add_argument("team", metavar="TEAM", help=TEAM_HELP)
        add.add_argument("user", metavar="USER", help=USER_HELP)
        add.add_argument("--admin", action="store_true", help="Make them a team admin.")

        remove = actions.add_parser("remove", help="Remove a user from a team and its channels.")
        remove.add_argument("team", metavar="TEAM", help=TEAM_HELP)
        remove.add_argument("user", metavar="USER", help=USER_HELP)

    def create(self, options: dict[str, Any]) -> None:
        owner = find_user(options["owner"])
        team = services.team_create(
            creator=owner,
            name=options["name"],
            display_name=options["display_name"],
            type=options["type"],
            allow_open_invite=options["type"] == TEAM_OPEN,
        )
        self.stdout.write(f"Created {team.name} ({team.id}), owned by {owner.username}.")

    def list_teams(self, options: dict[str, Any]) -> None:
        teams = selectors.teams_for_operator(archived=options["archived"])
        if options["json"]:
            rows = [
                {
                    "id": team.id,
                    "name": team.name,
                    "display_name": team.display_name,
                    "type": team.type,
                    "allow_open_invite": team.allow_open_invite,
                    "delete_at": team.delete_at,
                }
                for team in teams
            ]
            self.write_json(rows)
            return
        for team in teams:
            self.stdout.write(f"{team.id}  {team.name}  {team.display_name}  {team.type}")

    def archive(self, options: dict[str, Any]) -> None:
        team = find_team(options["team"])
        if not team.is_active:
            raise CommandError(f"{team.name} is already archived.")
        services.team_archive(team=team)
        self.stdout.write(f"{team.name} is now archived.")

    def restore(self, options: dict[str, Any]) -> None:
        team = find_team(options["team"])
        if team.is_active:
            raise CommandError(f"{team.name} is not archived.")
        services.team_restore(team=team)
        self.stdout.write(f"{team.name} is active again.")

    def add(self, options: dict[str, Any]) -> None:
        team, user = find_team(options["team"]), find_user(options["user"])
        if selectors.team_member_get(team_id=team.id, user_id=user.id) is not None:
            raise CommandError(f"{user.username} is already a member of {team.name}.")
        services.team_member_add(team=team, user=user, admin=options["admin"])
        role = "an admin" if options["admin"] else "a member"
        self.stdout.write(f"{user.username} is now {role} of {team.name}.")

    def remove(self, options: dict[str, Any]) -> None:
        team, user = find_team(options["team"]), find_user(options["user"])
        if selectors.team_member_get(team_id=team.id, user_id=user.id) is None:
            raise CommandError(f"{user.username} is not a member of {team.name}.")
        services.team_member_remove(team=team, user=user)
        self.stdout.write(f"{user.username} has left {team.name}.")
