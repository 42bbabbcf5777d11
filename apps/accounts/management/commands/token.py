"""``manage.py token``: personal access tokens, for scripts and bots that call the API.

    manage.py token issue USER --description TEXT [--json]
    manage.py token list [USER] [--json]
    manage.py token revoke TOKEN_ID

USER is a username, an email address or a user id. ``issue`` prints the token once: only
its hash is stored, so it cannot be shown again. Tokens work only while the server allows
them (``MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts import selectors, services
from apps.accounts.management.lookups import USER_HELP, find_user
from apps.accounts.models import UserAccessToken
from apps.core.commands import ActionCommand


class Command(ActionCommand):
    help = "Issue, list and revoke personal access tokens."

    actions: ClassVar[dict[str, str]] = {
        "issue": "issue",
        "list": "list_tokens",
        "revoke": "revoke",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        issue = actions.add_parser(
            "issue", help="Issue a token for an account and print it (this once only)."
        )
        issue.add_argument("user", metavar="USER", help=USER_HELP)
        issue.add_argument("--description", required=True, help="what the token is for")
        issue.add_argument("--json", action="store_true", help="Print a JSON object.")

        listing = actions.add_parser("list", help="List tokens (never the secrets).")
        listing.add_argument(
            "user", metavar="USER", nargs="?", help=f"only this account's ({USER_HELP})"
        )
        listing.add_argument("--json", action="store_true", help="Print a JSON array.")

        actions.add_parser("revoke", help="Delete a token; it stops working at once.").add_argument(
            "token_id", metavar="TOKEN_ID", help="the token's id (not the token)"
        )

    def issue(self, options: dict[str, Any]) -> None:
        user = find_user(options["user"])
        if not user.is_active:
            raise CommandError(f"{user.username} is deactivated; activate them first.")
        access_token, token = services.access_token_create(
            user=user, description=options["description"]
        )
        if options["json"]:
            self.write_json({**token_json(access_token, user.username), "token": token})
            return
        self.stdout.write(f"Token {access_token.id} for {user.username}: {token}")
        self.stdout.write("Keep it now: it cannot be shown again.")

    def list_tokens(self, options: dict[str, Any]) -> None:
        tokens = (
            selectors.access_tokens_of_user(find_user(options["user"]).id)
            if options["user"]
            else selectors.access_tokens_all()
        ).select_related("user")
        if options["json"]:
            self.write_json([token_json(token, token.user.username) for token in tokens])
            return
        for token in tokens:
            state = "active" if token.is_active else "disabled"
            self.stdout.write(f"{token.id}  {token.user.username}  {state}  {token.description}")

    def revoke(self, options: dict[str, Any]) -> None:
        access_token = selectors.access_token_get(options["token_id"].strip())
        if access_token is None:
            raise CommandError(f"No token has the id {options['token_id']!r}.")
        token_id = access_token.id  # deleting the row clears it
        services.access_token_revoke(access_token=access_token)
        self.stdout.write(f"Token {token_id} is revoked.")


def token_json(access_token: UserAccessToken, username: str) -> dict[str, object]:
    return {
        "id": access_token.id,
        "user_id": access_token.user_id,
        "username": username,
        "description": access_token.description,
        "is_active": access_token.is_active,
    }
