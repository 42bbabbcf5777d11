"""``/away``, ``/online``, ``/offline``, ``/dnd`` and ``/logout``."""

from __future__ import annotations

from apps.accounts.models import STATUS_AWAY, STATUS_DND, STATUS_OFFLINE, STATUS_ONLINE
from apps.accounts.services.status import status_set
from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.builtins.registry import builtin
from apps.integrations.commands.response import CommandResponse, ephemeral


def _set_status(args: CommandArgs, status: str, text: str) -> CommandResponse:
    status_set(user_id=args.user.id, status=status)
    return ephemeral(text)


@builtin("away", display_name="away", description="Set your status to away")
def away(args: CommandArgs, message: str) -> CommandResponse:
    return _set_status(args, STATUS_AWAY, "Your status is now away.")


@builtin("online", display_name="online", description="Set your status to online")
def online(args: CommandArgs, message: str) -> CommandResponse:
    return _set_status(args, STATUS_ONLINE, "Your status is now online.")


@builtin("offline", display_name="offline", description="Set your status to offline")
def offline(args: CommandArgs, message: str) -> CommandResponse:
    return _set_status(args, STATUS_OFFLINE, "Your status is now offline.")


@builtin("dnd", display_name="dnd", description="Do not disturb: no notifications for now")
def dnd(args: CommandArgs, message: str) -> CommandResponse:
    return _set_status(
        args,
        STATUS_DND,
        "Do not disturb is on: desktop and push notifications stay quiet until you turn it off.",
    )


@builtin("logout", display_name="logout", description="Log out of Mattermost")
def logout(args: CommandArgs, message: str) -> CommandResponse:
    # The client ends its session itself when it follows this answer, as in Mattermost.
    return CommandResponse(goto_location="/login")
