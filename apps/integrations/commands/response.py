"""What a slash command answers (Mattermost's ``CommandResponse``): text to post in the
channel or to show only the caller, where the client should go next, and more answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.core.parsers import UnstorableJSON, check_storable, loads_storable

RESPONSE_IN_CHANNEL = "in_channel"
RESPONSE_EPHEMERAL = "ephemeral"

# The answer's string fields, by their JSON names.
STRING_FIELDS = (
    "response_type",
    "text",
    "username",
    "channel_id",
    "icon_url",
    "type",
    "goto_location",
    "trigger_id",
)


class UnreadableResponse(ValueError):
    """An integration answered JSON that is not a command response."""


@dataclass
class CommandResponse:
    response_type: str = ""
    text: str = ""
    username: str = ""
    channel_id: str = ""
    icon_url: str = ""
    type: str = ""
    goto_location: str = ""
    trigger_id: str = ""
    props: dict[str, Any] | None = None
    skip_slack_parsing: bool = False
    attachments: list[Any] | None = None
    extra_responses: list[CommandResponse] | None = None


def ephemeral(text: str) -> CommandResponse:
    """An answer only the caller sees."""
    return CommandResponse(response_type=RESPONSE_EPHEMERAL, text=text)


def response_fields(response: CommandResponse) -> dict[str, Any]:
    """The answer's JSON; Mattermost writes every field, nulls included."""
    data: dict[str, Any] = {name: getattr(response, name) for name in STRING_FIELDS}
    data["props"] = response.props
    data["skip_slack_parsing"] = response.skip_slack_parsing
    data["attachments"] = response.attachments
    data["extra_responses"] = (
        None
        if response.extra_responses is None
        else [response_fields(extra) for extra in response.extra_responses]
    )
    return data


def _typed(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise UnreadableResponse(f"'{name}' must be a {kind.__name__}")
    return value


def response_from_object(data: Any) -> CommandResponse:
    if not isinstance(data, dict):
        raise UnreadableResponse("the answer must be a JSON object")
    try:
        check_storable(data)
    except UnstorableJSON as error:
        raise UnreadableResponse(str(error)) from error
    strings = {name: _typed(data, name, str) or "" for name in STRING_FIELDS}
    extra = _typed(data, "extra_responses", list)
    return CommandResponse(
        **strings,
        props=_typed(data, "props", dict),
        skip_slack_parsing=bool(_typed(data, "skip_slack_parsing", bool)),
        attachments=_typed(data, "attachments", list),
        extra_responses=None if extra is None else [response_from_object(item) for item in extra],
    )


def response_from_http(content_type: str, body: bytes) -> CommandResponse:
    """Read an integration's answer: JSON when it says so, else the body is the text."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        text = body.decode("utf-8", errors="replace")
        if "\x00" in text:
            raise UnreadableResponse("the answer contains a NUL character")
        return CommandResponse(text=text)
    try:
        data = loads_storable(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise UnreadableResponse(f"the answer is not valid JSON: {error}") from error
    return response_from_object(data)
