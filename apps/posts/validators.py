"""Post field rules with Mattermost's error ids."""

from __future__ import annotations

import json
import re
from typing import Any

from apps.accounts.models import User
from apps.core.errors import AppError

MESSAGE_MAX_RUNES = 16383
PROPS_MAX_RUNES = 800000
FILE_IDS_MAX_RUNES = 300
HASHTAGS_MAX_RUNES = 1000
# Types a client may give a post: none, or its own custom_ ones. The server alone writes
# system_ posts (joins, header changes ...).
CUSTOM_TYPE_PREFIX = "custom_"
# Built-in types anyone may write: a post that carries Slack-style attachments, and an
# action written in the third person (what ``/me`` posts).
SLACK_ATTACHMENT_TYPE = "slack_attachment"
ME_TYPE = "me"
SYSTEM_TYPE_PREFIX = "system_"
# Types without the system_ prefix that only the server writes: a new bot's note to its
# owner.
SERVER_TYPES = ("add_bot_teams_channels",)
HASHTAG_RE = re.compile(r"(?<![\w#])#([A-Za-z][\w.\-]{2,})")
# Props only integrations (webhooks, bots) may set; a person's post loses them.
INTEGRATION_PROPS = (
    "from_webhook",
    "override_username",
    "override_icon_url",
    "override_icon_emoji",
    "webhook_display_name",
)
# Props the server uses internally and never shows a client.
HIDDEN_PROPS = ("add_channel_member", "force_notification")


def _invalid(what: str, message: str) -> AppError:
    return AppError(f"model.post.is_valid.{what}.app_error", message, 400)


def validate_post(
    *,
    message: str,
    props: dict[str, Any],
    file_ids: list[str],
    type: str,
    allow_system: bool = False,
) -> None:
    """Check a post's fields; ``allow_system`` admits the server's own ``system_`` types."""
    if len(message) > MESSAGE_MAX_RUNES:
        raise _invalid("msg", f"A message may be at most {MESSAGE_MAX_RUNES} characters long.")
    if len(json.dumps(props)) > PROPS_MAX_RUNES:
        raise _invalid("props", "The post's props are too large.")
    if len(json.dumps(file_ids)) > FILE_IDS_MAX_RUNES:
        raise _invalid("file_ids", "The post names too many files.")
    if allow_system and (type.startswith(SYSTEM_TYPE_PREFIX) or type in SERVER_TYPES):
        return
    if (
        type
        and type not in (SLACK_ATTACHMENT_TYPE, ME_TYPE)
        and not type.startswith(CUSTOM_TYPE_PREFIX)
    ):
        raise _invalid("type", "Posts may only have a custom_, slack_attachment or me type.")


def hashtags_of(message: str) -> str:
    """The message's #hashtags, space-separated, as Mattermost stores them."""
    tags = list(dict.fromkeys(f"#{tag.rstrip('.-')}" for tag in HASHTAG_RE.findall(message)))
    joined = " ".join(tags)
    while len(joined) > HASHTAGS_MAX_RUNES and tags:
        tags.pop()
        joined = " ".join(tags)
    return joined


def client_props(props: dict[str, Any] | None, author: User) -> dict[str, Any] | None:
    """Props as a client may set them: never the internal ones, and the integration-only
    ones only for bots."""
    if props is None:
        return None
    drop = HIDDEN_PROPS if author.is_bot else (*HIDDEN_PROPS, *INTEGRATION_PROPS)
    return {key: value for key, value in props.items() if key not in drop}


def visible_props(props: dict[str, Any] | None) -> dict[str, Any]:
    """The props a client is shown: all but the server's internal ones."""
    return {key: value for key, value in (props or {}).items() if key not in HIDDEN_PROPS}
