"""Running a slash command (Mattermost's ``ExecuteCommand``): find what answers the
trigger (a custom command of the team first, then a built-in one), run it, and act on
the answer: post it in the channel, or show it to the caller alone."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get, channel_member_get
from apps.core.errors import AppError, permission_denied
from apps.core.ids import is_valid_id
from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.builtins import BUILTINS
from apps.integrations.commands.custom import command_call
from apps.integrations.commands.permissions import commands_disabled
from apps.integrations.commands.response import (
    RESPONSE_EPHEMERAL,
    RESPONSE_IN_CHANNEL,
    CommandResponse,
    response_fields,
)
from apps.integrations.commands.selectors import command_for_trigger
from apps.integrations.models import Command
from apps.integrations.slack import check_attachments, from_slack
from apps.posts.services import post_create
from apps.posts.services.ephemeral import ephemeral_post_send
from apps.posts.validators import (
    HIDDEN_PROPS,
    INTEGRATION_PROPS,
    SLACK_ATTACHMENT_TYPE,
    SYSTEM_TYPE_PREFIX,
)
from apps.teams.selectors import team_get, team_membership_get

# Unknown triggers are quoted back at most this long.
TRIGGER_ECHO_MAX = 512


def split_command(command: str) -> tuple[str, str]:
    """``/Trigger some text`` → (``trigger``, ``some text``): the trigger ends at the
    first white space and is case-insensitive."""
    for index, char in enumerate(command):
        if char.isspace():
            return command[:index].lower().removeprefix("/"), command[index + 1 :]
    return command.lower().removeprefix("/"), ""


def _not_found(trigger: str) -> AppError:
    if len(trigger) > TRIGGER_ECHO_MAX:
        trigger = trigger[:TRIGGER_ECHO_MAX] + "..."
    return AppError(
        "api.command.execute_command.not_found.app_error",
        f"No command answers to /{trigger}.",
        404,
    )


def command_execute(
    *, user: User, channel: Channel, team_id: str, root_id: str, command: str, site_url: str
) -> dict[str, Any]:
    """Run ``command`` typed by ``user`` in ``channel`` (permissions are the caller's job)
    and return the answer's JSON."""
    trigger, text = split_command(command)
    team = team_get(team_id)
    if team is None:
        raise AppError("app.team.get.find.app_error", "The command's team was not found.", 404)
    args = CommandArgs(user=user, channel=channel, team=team, root_id=root_id, site_url=site_url)
    custom = command_for_trigger(team.id, trigger)
    # Custom commands may replace built-in ones, unless the setting turns them off.
    if custom is not None and settings.MATTERMOST.enable_commands:
        response = command_call(custom, args, text)
        _handle_response(args, trigger, response, custom=custom)
    elif trigger in BUILTINS:
        response = BUILTINS[trigger].run(args, text)
        _handle_response(args, trigger, response, custom=None)
    elif custom is not None:
        raise commands_disabled()
    else:
        raise _not_found(trigger)
    return response_fields(response)


def _handle_response(
    args: CommandArgs, trigger: str, response: CommandResponse, *, custom: Command | None
) -> None:
    """Act on the answer and on each of its ``extra_responses``; if any could not be
    posted, say so (the others are still posted)."""
    failures: list[AppError] = []
    for each in [response, *(response.extra_responses or [])]:
        try:
            _post_response(args, each, custom)
        except AppError as error:
            failures.append(error)
    if failures:
        raise AppError(
            "api.command.execute_command.create_post_failed.app_error",
            f"The answer of /{trigger} could not be posted.",
            400,
            "; ".join(error.message for error in failures),
        )


def _overrides(response: CommandResponse, custom: Command | None) -> dict[str, str]:
    """The name and picture a custom command's post shows, where the settings allow it;
    the command's own choice wins over its answer's."""
    config = settings.MATTERMOST
    props: dict[str, str] = {}
    username = (custom.username if custom else "") or response.username
    if config.enable_post_username_override and username:
        props["override_username"] = username
    icon_url = (custom.icon_url if custom else "") or response.icon_url
    if config.enable_post_icon_override and icon_url:
        props["override_icon_url"] = icon_url
    return props


def _post_props(
    response: CommandResponse, custom: Command | None, attachments: list[dict[str, Any]] | None
) -> dict[str, Any]:
    # An answer's props never set the markers and overrides themselves.
    reserved = (*HIDDEN_PROPS, *INTEGRATION_PROPS)
    props = {k: v for k, v in (response.props or {}).items() if k not in reserved}
    overrides = _overrides(response, custom)
    props.update(overrides)
    if custom is not None or overrides:
        props["from_webhook"] = "true"
    if attachments is not None:
        props["attachments"] = attachments
    return props


def _slack_converted(response: CommandResponse) -> tuple[str, list[dict[str, Any]] | None]:
    """The answer's text and attachments with Slack markup converted, unless the answer
    asks for them as written (``skip_slack_parsing``)."""
    attachments = None if response.attachments is None else check_attachments(response.attachments)
    if response.skip_slack_parsing:
        return response.text, attachments
    text, converted = from_slack(response.text, attachments or [])
    return text, None if attachments is None else converted


def _target_channel(args: CommandArgs, response: CommandResponse) -> Channel:
    """The command's channel, or the one the answer names, if the caller is in it."""
    if not response.channel_id or response.channel_id == args.channel.id:
        return args.channel
    member = channel_member_get(channel_id=response.channel_id, user_id=args.user.id)
    if member is None:
        raise AppError(
            "api.command.command_post.forbidden.app_error",
            "The answer names a channel the caller is not a member of.",
            403,
        )
    return member.channel


def _post_response(args: CommandArgs, response: CommandResponse, custom: Command | None) -> None:
    if response.type.startswith(SYSTEM_TYPE_PREFIX):
        raise AppError(
            "api.context.invalid_param.app_error", "An answer cannot have a system_ type.", 400
        )
    channel = _target_channel(args, response)
    text, attachments = _slack_converted(response)
    props = _post_props(response, custom, attachments)
    post_type = SLACK_ATTACHMENT_TYPE if attachments else response.type
    if response.response_type == RESPONSE_IN_CHANNEL:
        post_create(
            author=args.user,
            channel=channel,
            message=text,
            root_id=args.root_id,
            props=props,
            type=post_type,
        )
    elif response.response_type in ("", RESPONSE_EPHEMERAL) and (
        response.text or response.attachments is not None
    ):
        ephemeral_post_send(
            author_id=args.user.id,
            recipient_id=args.user.id,
            channel_id=channel.id,
            root_id=args.root_id,
            message=text,
            props=props,
        )


def _command_team_id(user: User, channel: Channel, given: str) -> str:
    """A team channel's commands are its team's. In a direct or group message the client
    names the team, which the caller must belong to (or be allowed to post anywhere)."""
    if channel.type in (CHANNEL_OPEN, CHANNEL_PRIVATE):
        return channel.team_id or ""
    membership = team_membership_get(team_id=given, user_id=user.id) if given else None
    in_team = membership is not None and membership.is_active
    if not in_team and not has_system_permission(user, "create_post"):
        raise permission_denied(user.id, "create_post")
    return given


def command_execute_typed(
    *, user: User, command: str, channel_id: str, team_id: str, root_id: str, site_url: str
) -> dict[str, Any]:
    """Run what ``user`` typed in the channel ``channel_id``, after Mattermost's checks of
    the request: a command starts with '/', the caller may post in the channel, the
    channel is live. ``team_id`` is the team the client names (it counts only in direct
    and group messages, which belong to no team)."""
    if len(command) <= 1 or not command.startswith("/") or not is_valid_id(channel_id):
        raise AppError(
            "api.command.execute_command.start.app_error",
            "A command starts with '/' and runs in a channel given by its id.",
            400,
        )
    if not has_channel_permission(user, channel_id, "create_post"):
        raise permission_denied(user.id, "create_post")
    channel = channel_get(channel_id)
    if channel is None:
        raise AppError("app.channel.get.existing.app_error", "No such channel.", 404)
    if channel.delete_at:
        raise AppError(
            "api.command.execute_command.deleted.error",
            "Commands cannot run in an archived channel.",
            400,
        )
    return command_execute(
        user=user,
        channel=channel,
        team_id=_command_team_id(user, channel, team_id),
        root_id=root_id,
        command=command,
        site_url=site_url,
    )
