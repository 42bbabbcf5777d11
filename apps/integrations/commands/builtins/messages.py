"""``/me``, ``/shrug``, ``/echo`` and ``/msg``: commands that post."""

from __future__ import annotations

import logging
import re
import threading

from django.db import connections

from apps.accounts.permissions import has_system_permission
from apps.accounts.selectors import user_get_by_username
from apps.channels.selectors import channel_get_unteamed, users_sharing_a_team_or_channel
from apps.channels.services import direct_channel_get_or_create, direct_channel_name
from apps.core.errors import AppError
from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.builtins.registry import builtin
from apps.integrations.commands.response import (
    RESPONSE_EPHEMERAL,
    RESPONSE_IN_CHANNEL,
    CommandResponse,
    ephemeral,
)
from apps.posts.services import post_create
from apps.posts.validators import ME_TYPE

logger = logging.getLogger(__name__)

# Markdown for ¯\_(ツ)_/¯: the backslash and underscores escaped.
SHRUG = r"¯\\\_(ツ)\_/¯"
# /echo: the longest delay, in seconds, and how many delayed echoes may wait at once.
ECHO_MAX_DELAY = 10_000
ECHO_MAX_WAITING = 100
# /echo "text" 5, or /echo text 5: the delay is a trailing number.
QUOTED_WITH_DELAY = re.compile(r'^"(?P<text>.*)"\s*(?P<delay>\d*)\s*$', re.DOTALL)
TRAILING_DELAY = re.compile(r"^(?P<text>.*) +(?P<delay>-?\d+)\s*$", re.DOTALL)

_echoes_waiting = threading.BoundedSemaphore(ECHO_MAX_WAITING)


@builtin("me", display_name="me", description="Do an action", hint="[message]")
def me(args: CommandArgs, message: str) -> CommandResponse:
    return CommandResponse(response_type=RESPONSE_IN_CHANNEL, type=ME_TYPE, text=f"*{message}*")


@builtin(
    "shrug", display_name="shrug", description="Add ¯\\_(ツ)_/¯ to your message", hint="[message]"
)
def shrug(args: CommandArgs, message: str) -> CommandResponse:
    text = f"{message} {SHRUG}" if message else SHRUG
    return CommandResponse(response_type=RESPONSE_IN_CHANNEL, text=text)


def _echo_text_and_delay(message: str) -> tuple[str, int]:
    quoted = QUOTED_WITH_DELAY.match(message)
    if quoted:
        return quoted["text"], int(quoted["delay"] or 0)
    trailing = TRAILING_DELAY.match(message)
    if trailing:
        return trailing["text"], int(trailing["delay"])
    return message, 0


def _post_echo(args: CommandArgs, text: str) -> None:
    post_create(author=args.user, channel=args.channel, message=text, root_id=args.root_id)


def _post_echo_later(args: CommandArgs, text: str) -> None:
    try:
        _post_echo(args, text)
    except Exception:
        logger.exception("a delayed /echo could not be posted")
    finally:
        _echoes_waiting.release()
        # The timer's thread ends here: close its connection (a persistent one,
        # CONN_MAX_AGE, would otherwise stay open until garbage collection).
        connections.close_all()


@builtin(
    "echo",
    display_name="echo",
    description="Echo back text from your account",
    hint='"message" [delay in seconds]',
)
def echo(args: CommandArgs, message: str) -> CommandResponse:
    if not message:
        return ephemeral("Give /echo a message to repeat.")
    text, delay = _echo_text_and_delay(message)
    if delay > ECHO_MAX_DELAY:
        return ephemeral(f"The delay may be at most {ECHO_MAX_DELAY} seconds.")
    if delay <= 0:
        try:
            _post_echo(args, text)
        except AppError as error:
            return ephemeral(error.message)
        return CommandResponse()
    if not _echoes_waiting.acquire(blocking=False):
        return ephemeral("Too many echoes are waiting; try again in a while.")
    timer = threading.Timer(delay, _post_echo_later, (args, text))
    timer.daemon = True
    timer.start()
    return CommandResponse()


def _message_target_missing() -> CommandResponse:
    return ephemeral("We could not find that user.")


@builtin(
    "msg",
    display_name="message",
    description="Send a direct message to a user",
    hint="@[username] [message]",
)
def msg(args: CommandArgs, message: str) -> CommandResponse:
    username, _, text = message.partition(" ")
    target = user_get_by_username(username.removeprefix("@"))
    if target is None or target.id == args.user.id:
        return _message_target_missing()
    user = args.user
    if not has_system_permission(user, "view_members") and not users_sharing_a_team_or_channel(
        user_id=user.id, other_ids=[target.id]
    ):
        return _message_target_missing()
    name = direct_channel_name(user.id, target.id)
    if channel_get_unteamed(name) is None and not has_system_permission(
        user, "create_direct_channel"
    ):
        return ephemeral("You are not allowed to start direct messages.")
    try:
        channel = direct_channel_get_or_create(user=user, other_user=target).channel
        if text:
            post_create(author=user, channel=channel, message=text)
    except AppError as error:
        return ephemeral(f"The message could not be sent: {error.message}")
    return CommandResponse(
        response_type=RESPONSE_EPHEMERAL, goto_location=args.channel_location(name)
    )
