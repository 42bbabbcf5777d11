"""Running a team's custom command: one call to its URL, bounded in time and guarded by
``apps.integrations.outbound``, whose answer becomes a ``CommandResponse``."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit, urlunsplit

from apps.core.errors import AppError
from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.response import (
    CommandResponse,
    UnreadableResponse,
    response_from_http,
)
from apps.integrations.models import COMMAND_METHOD_GET, Command
from apps.integrations.outbound import IntegrationCallError, call

logger = logging.getLogger(__name__)


def command_call_failed(trigger: str, detail: str) -> AppError:
    """502: the integration, not this server or the caller, failed. The reason names the
    command's URL, which only its managers may see: it goes to the log and to
    ``detailed_error`` (shown in developer mode only)."""
    logger.warning("slash command /%s failed: %s", trigger, detail)
    return AppError(
        "api.command.execute_command.failed.app_error",
        f"The command /{trigger} failed: its integration could not be reached or did not "
        "give a usable answer.",
        502,
        detail,
    )


def call_fields(command: Command, args: CommandArgs, text: str) -> dict[str, str]:
    """What the integration is told, under Mattermost's field names."""
    return {
        "token": command.token,
        "team_id": command.team_id,
        "team_domain": args.team.name,
        "channel_id": args.channel.id,
        "channel_name": args.channel.name,
        "user_id": args.user.id,
        "user_name": args.user.username,
        "command": f"/{command.trigger}",
        "text": text,
        "root_id": args.root_id,
    }


def _with_query(url: str, query: str) -> str:
    """``url`` with ``query`` appended to any query it already has."""
    parts = urlsplit(url)
    joined = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit(parts._replace(query=joined))


def command_call(command: Command, args: CommandArgs, text: str) -> CommandResponse:
    """Call the command's URL (GET with the fields in the query, or POST as a form) and
    read its answer; an unreachable URL or an unreadable answer is a clear error."""
    encoded = urlencode(call_fields(command, args, text))
    headers = {"Accept": "application/json", "Authorization": f"Token {command.token}"}
    try:
        if command.method == COMMAND_METHOD_GET:
            answer = call(_with_query(command.url, encoded), method="GET", headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            answer = call(command.url, method="POST", body=encoded.encode(), headers=headers)
        return response_from_http(answer.content_type, answer.body)
    except (IntegrationCallError, UnreadableResponse) as error:
        raise command_call_failed(command.trigger, str(error)) from error
