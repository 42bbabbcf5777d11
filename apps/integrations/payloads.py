"""The Slack-compatible body of ``POST /hooks/{hook_id}``: JSON, a form-encoded
``payload=`` field holding that JSON, or multipart form fields. Outgoing webhooks' URLs
answer with the same JSON fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from apps.core.errors import AppError
from apps.core.parsers import UnstorableJSON, check_storable, loads_storable

# The payload's string fields, by their JSON names.
STRING_FIELDS = ("text", "username", "icon_url", "channel", "type", "icon_emoji")


@dataclass(frozen=True)
class WebhookPayload:
    text: str = ""
    username: str = ""
    icon_url: str = ""
    channel: str = ""
    type: str = ""
    icon_emoji: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    # None (absent) differs from []: a payload needs text or attachments.
    attachments: list[Any] | None = None


def _unparsable(detail: str) -> AppError:
    return AppError(
        "model.incoming_hook.parse_data.app_error",
        "The webhook payload could not be read: " + detail,
        400,
    )


def payload_from_json(raw: bytes | str) -> WebhookPayload:
    """Decode a JSON payload; a wrong type for a known field is as bad as broken JSON."""
    try:
        data = loads_storable(raw or b"null")
    except UnstorableJSON as exc:
        raise _unparsable(f"{exc}.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise _unparsable("it is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise _unparsable("it must be a JSON object.")
    return payload_from_object(data)


def payload_from_object(data: dict[str, Any]) -> WebhookPayload:
    """The payload of a decoded JSON object (an incoming webhook's body, or the answer of
    an outgoing webhook's URL)."""
    try:
        check_storable(data)
    except UnstorableJSON as exc:
        raise _unparsable(f"{exc}.") from exc
    strings: dict[str, str] = {}
    for name in STRING_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise _unparsable(f"{name} must be a string.")
        strings[name] = value or ""
    props = data.get("props")
    if props is not None and not isinstance(props, dict):
        raise _unparsable("props must be an object.")
    attachments = data.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise _unparsable("attachments must be a list.")
    return WebhookPayload(**strings, props=props or {}, attachments=attachments)


def payload_from_form(form: QueryDict) -> WebhookPayload:
    """A multipart form's fields are the payload's string fields themselves."""
    strings = {name: str(form.get(name, "")) for name in STRING_FIELDS}
    try:
        check_storable(strings)
    except UnstorableJSON as exc:
        raise _unparsable(f"{exc}.") from exc
    return WebhookPayload(**strings, props={}, attachments=None)
