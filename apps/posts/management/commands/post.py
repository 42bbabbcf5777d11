"""``manage.py post``: the operator's post tool.

    manage.py post delete POST_ID [--by USER]

``delete`` is the soft delete of the API and the admin: the post (and, for a thread's
root, its replies) disappears for everyone, the rows stay. ``--by`` names the account the
deletion is recorded against (USER a username, an email address or a user id).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import CommandError, CommandParser

from apps.accounts.management.lookups import USER_HELP, find_user
from apps.core.commands import ActionCommand
from apps.posts import selectors, services


class Command(ActionCommand):
    help = "Delete posts."

    actions: ClassVar[dict[str, str]] = {"delete": "delete"}

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        delete = actions.add_parser(
            "delete", help="Delete a post (softly), with its replies when it starts a thread."
        )
        delete.add_argument("post_id", metavar="POST_ID")
        delete.add_argument("--by", metavar="USER", help=f"who deletes it ({USER_HELP})")

    def delete(self, options: dict[str, Any]) -> None:
        post = selectors.post_get(options["post_id"].strip())
        if post is None:
            raise CommandError(f"No post has the id {options['post_id']!r}.")
        if post.delete_at:
            raise CommandError(f"Post {post.id} is already deleted.")
        deleter = find_user(options["by"]) if options["by"] else None
        services.post_delete(post=post, deleter=deleter)
        replies = "" if not post.is_root or not post.reply_count else " and its replies"
        self.stdout.write(f"Post {post.id}{replies} deleted.")
