"""``manage.py user``: the operator's account tool.

    manage.py user create --username NAME --email ADDRESS --password P [--system-admin]
    manage.py user list [--json] [--active | --inactive]
    manage.py user activate USER
    manage.py user deactivate USER
    manage.py user password USER --password P
    manage.py user role USER ROLE [ROLE ...]
    manage.py user sessions-revoke USER

USER is a username, an email address or a user id. Every change goes through the account
services, so the same rules (and cache invalidation) apply as on the API.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts import selectors, services, validators
from apps.accounts.management.lookups import USER_HELP, find_user
from apps.accounts.models import ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER, User
from apps.core.commands import ActionCommand
from apps.core.roles import SYSTEM_ROLES


class Command(ActionCommand):
    help = (
        "Create, list, activate and deactivate user accounts, set their passwords and "
        "roles, and end their sessions."
    )

    actions: ClassVar[dict[str, str]] = {
        "create": "create",
        "list": "list_users",
        "activate": "activate",
        "deactivate": "deactivate",
        "password": "password",
        "role": "role",
        "sessions-revoke": "sessions_revoke",
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
                "user", metavar="USER", help=USER_HELP
            )

        password = actions.add_parser(
            "password", help="Set an account's password and end all its sessions."
        )
        password.add_argument("user", metavar="USER", help=USER_HELP)
        password.add_argument("--password", required=True)

        role = actions.add_parser(
            "role",
            help="Set an account's system roles: 'system_admin system_user' makes a system "
            "admin, 'system_user' a plain user.",
        )
        role.add_argument("user", metavar="USER", help=USER_HELP)
        role.add_argument("roles", nargs="+", metavar="ROLE", help=", ".join(sorted(SYSTEM_ROLES)))

        actions.add_parser(
            "sessions-revoke", help="End every session of an account (log it out everywhere)."
        ).add_argument("user", metavar="USER", help=USER_HELP)

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
            self.write_json(rows)
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

    def role(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"])
        roles = validators.clean_system_roles(" ".join(options["roles"]))
        if roles is None:
            raise CommandError(
                f"{' '.join(options['roles'])!r} are not system roles an account can have: "
                f"choose from {', '.join(sorted(SYSTEM_ROLES))}, and give a system admin "
                f"{ROLE_SYSTEM_USER} too."
            )
        services.user_set_roles(user=user, roles=roles)
        self.stdout.write(f"{user.username} now has the roles: {roles}")

    def sessions_revoke(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"])
        count = selectors.sessions_of_user(user.id).count()
        services.sessions_revoke_for_user(user_id=user.id)
        self.stdout.write(f"Ended {count} sessions of {user.username}.")
