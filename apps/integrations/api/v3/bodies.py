"""Request bodies of the v3 webhook and command routes, decoded as 4.10's Go structs."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.api.v3.base import invalid_param, string_map
from apps.core.api.v3.decoding import FieldCheck, is_flag, is_int64, is_text, is_text_list

# The fields every stored integration object has on the wire.
_RECORD: dict[str, FieldCheck] = {
    "id": is_text,
    "create_at": is_int64,
    "update_at": is_int64,
    "delete_at": is_int64,
    "team_id": is_text,
}
COMMAND: dict[str, FieldCheck] = {
    **_RECORD,
    **dict.fromkeys(
        (
            "token",
            "creator_id",
            "trigger",
            "method",
            "username",
            "icon_url",
            "auto_complete_desc",
            "auto_complete_hint",
            "display_name",
            "description",
            "url",
        ),
        is_text,
    ),
    "auto_complete": is_flag,
}
COMMAND_ARGS: dict[str, FieldCheck] = dict.fromkeys(
    ("user_id", "channel_id", "team_id", "root_id", "parent_id", "command"), is_text
)
INCOMING_HOOK: dict[str, FieldCheck] = {
    **_RECORD,
    **dict.fromkeys(
        ("user_id", "channel_id", "display_name", "description", "username", "icon_url"),
        is_text,
    ),
}
OUTGOING_HOOK: dict[str, FieldCheck] = {
    **_RECORD,
    **dict.fromkeys(
        ("token", "creator_id", "channel_id", "display_name", "description", "content_type"),
        is_text,
    ),
    "trigger_words": is_text_list,
    "callback_urls": is_text_list,
    "trigger_when": is_int64,
}


def id_map(request: Request) -> tuple[str, dict[str, str]]:
    """A ``{"id": ...}`` string map (delete, regen_token): the id and the whole map, which
    4.10's deletes echoed back."""
    props = string_map(request)
    object_id = props.get("id", "")
    if not object_id:
        raise invalid_param("id")
    return object_id, props
