"""``manage.py user``: the operator's account tool.

    manage.py user create --username NAME --email ADDRESS --password P [--system-admin]
    manage.py user list [--json] [--active | --inactive]
    manage.py user activate USER
    manage.py user deactivate USER
    manage.py user password USER --password P

USER is a username, an email address or a user id. Every change goes through the account
services, so the same rules (and cache invalidation) apply as on the API.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts import selectors, services
from apps.accounts.models import ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER, User
from apps.core.commands import ActionCommand


class Command(ActionCommand):
    help = "Create, list, activate and deactivate user accounts, and set their passwords."

    actions: ClassVar[dict[str, str]] = {
        "create": "create",
        "list": "list_users",
        "activate": "activate",
        "deactivate": "deactivate",
        "password": "password",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser(
            "create",
            help="Create an account. The very first account is always a system admin.",
        )
        create.add_argument("--username", required=True)
        create.add_argument("--email", required=True)
        create.add_argument("--password", required=True)
        create.add_argument(
            "--system-admin", action="store_true", help="Give the account the system_admin role."
        )
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--nickname", default="")

        listing = actions.add_parser("list", help="List accounts by username.")
        listing.add_argument("--json", action="store_true", help="Print a JSON array.")
        state = listing.add_mutually_exclusive_group()
        state.add_argument("--active", action="store_true", help="Only active accounts.")
        state.add_argument("--inactive", action="store_true", help="Only deactivated accounts.")

        for name, summary in (
            ("activate", "Let a deactivated account log in again."),
            ("deactivate", "Deactivate an account and end all its sessions."),
        ):
            actions.add_parser(name, help=summary).add_argument(
                "user", metavar="USER", help="username, email address or user id"
            )

        password = actions.add_parser(
            "password", help="Set an account's password and end all its sessions."
        )
        password.add_argument("user", metavar="USER", help="username, email address or user id")
        password.add_argument("--password", required=True)

    def create(self, options: dict[str, Any]) -> None:
        roles = f"{ROLE_SYSTEM_ADMIN} {ROLE_SYSTEM_USER}" if options["system_admin"] else None
        user = services.user_create(
            username=options["username"],
            email=options["email"],
            password=options["password"],
            roles=roles,
            first_name=options["first_name"],
            last_name=options["last_name"],
            nickname=options["nickname"],
        )
        self.stdout.write(f"Created {user.username} ({user.id}) with roles: {user.roles}")

    def list_users(self, options: dict[str, Any]) -> None:
        active = True if options["active"] else False if options["inactive"] else None
        users = selectors.users_list(active=active)
        if options["json"]:
            rows = [
                {
                    "id": user.id,
                    "username": user.username,
                    "email": user.email,
                    "roles": user.roles,
                    "delete_at": user.delete_at,
                }
                for user in users
            ]
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for user in users:
            state = "active" if user.is_active else "deactivated"
            self.stdout.write(f"{user.id}  {user.username}  {user.email}  {user.roles}  {state}")

    def activate(self, options: dict[str, Any]) -> None:
        self._set_active(find_user(options["user"]), active=True)

    def deactivate(self, options: dict[str, Any]) -> None:
        self._set_active(find_user(options["user"]), active=False)

    def _set_active(self, user: User, *, active: bool) -> None:
        word = "active" if active else "deactivated"
        if user.is_active == active:
            self.stdout.write(f"{user.username} is already {word}.")
            return
        services.user_set_active(user=user, active=active)
        self.stdout.write(f"{user.username} is now {word}.")

    def password(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"])
        services.user_set_password(user=user, password=options["password"])
        self.stdout.write(f"Password of {user.username} changed; their sessions have ended.")


def find_user(reference: str) -> User:
    user = selectors.user_find(reference)
    if user is None:
        raise CommandError(f"No user has the username, email address or id {reference!r}.")
    return user
