"""What integrations written for Slack send, turned into what Mattermost clients show.

Webhook and slash command texts may use Slack's markup: ``<!channel>``, ``<!here>`` and
``<!all>`` announcements, ``<@USERID>`` mentions and ``<url|label>`` links. Attachments
("message attachments") carry the same markup in their pretext, text, title and field
values. And a text longer than a post may hold is split over several posts rather than
refused, as Mattermost does for webhooks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from apps.accounts.models import User
from apps.core.errors import AppError
from apps.posts.validators import MESSAGE_MAX_RUNES, PROPS_MAX_RUNES

# Props an integration may fill: the whole budget less room the server keeps for its own.
PROPS_MAX_USER_RUNES = PROPS_MAX_RUNES - 40000
ANNOUNCEMENTS = {"<!channel>": "@channel", "<!here>": "@here", "<!all>": "@all"}
USER_ID_MENTION = re.compile(r"<@([a-zA-Z0-9]+)>")
LABELLED_LINK = re.compile(r"<([^\n<|>]+)\|([^\n>]+)>")
# Attachment fields whose text is Slack markup.
ATTACHMENT_TEXTS = ("pretext", "text", "title")


def _bad_attachments(detail: str) -> AppError:
    return AppError(
        "model.incoming_hook.parse_data.app_error",
        "The attachments could not be read: " + detail,
        400,
    )


def _texts(text: str, attachments: list[dict[str, Any]]) -> Iterable[str]:
    yield text
    for attachment in attachments:
        for name in ATTACHMENT_TEXTS:
            yield attachment.get(name) or ""
        for item in attachment.get("fields") or []:
            yield item.get("value") or ""


def _convert(text: str, usernames: dict[str, str]) -> str:
    for markup, mention in ANNOUNCEMENTS.items():
        text = text.replace(markup, mention)
    return USER_ID_MENTION.sub(
        lambda match: f"@{usernames[match[1]]}" if match[1] in usernames else match[0], text
    )


def check_attachments(attachments: Any) -> list[dict[str, Any]]:
    """The attachments as a list of objects (``None`` is none); anything else is a 400.

    Field values may be numbers or booleans in what integrations send; they are shown as
    text, so they become strings here."""
    if attachments is None:
        return []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise _bad_attachments("they must be a list of objects.")
    checked = []
    for attachment in attachments:
        for name in ATTACHMENT_TEXTS:
            if not isinstance(attachment.get(name) or "", str):
                raise _bad_attachments(f"an attachment's {name} must be a string.")
        fields = attachment.get("fields") or []
        if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
            raise _bad_attachments("an attachment's fields must be a list of objects.")
        fields = [
            {**item, "value": _as_text(item["value"])} if "value" in item else item
            for item in fields
        ]
        checked.append({**attachment, "fields": fields} if "fields" in attachment else attachment)
    return checked


def _as_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def from_slack(text: str, attachments: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The text and (checked) attachments with Slack announcements and ``<@USERID>``
    mentions spelled the Mattermost way; the users are looked up in one query."""
    ids = {match for value in _texts(text, attachments) for match in USER_ID_MENTION.findall(value)}
    usernames = dict(User.objects.filter(pk__in=ids).values_list("id", "username")) if ids else {}
    converted = []
    for attachment in attachments:
        copy = dict(attachment)
        for name in ATTACHMENT_TEXTS:
            if copy.get(name):
                copy[name] = _convert(copy[name], usernames)
        if copy.get("fields"):
            copy["fields"] = [
                {**item, "value": _convert(item["value"], usernames)} if item.get("value") else item
                for item in copy["fields"]
            ]
        converted.append(copy)
    return _convert(text, usernames), converted


def markdown_links(text: str) -> str:
    """``<https://example.com|label>`` as the Markdown link ``[label](https://example.com)``."""
    return LABELLED_LINK.sub(r"[\2](\1)", text)


def _props_runes(props: dict[str, Any]) -> int:
    # Measured as the post validator measures props, so a piece that fits here is accepted.
    return len(json.dumps(props))


def split_webhook_post(
    message: str,
    props: dict[str, Any],
    *,
    max_runes: int = MESSAGE_MAX_RUNES,
) -> list[tuple[str, dict[str, Any]]]:
    """Split an integration's post into posts that each fit: the message in pieces of at
    most ``max_runes`` characters, then the attachments added to the last piece while its
    props fit, continuing in further posts. An attachment too large for a post of its own
    has its text shortened; if even that cannot make it fit, the payload is refused (400).

    Every piece carries the other props. Returns ``(message, props)`` pairs, in order."""
    attachments = list(props.get("attachments") or [])
    base = {key: value for key, value in props.items() if key != "attachments"}
    if _props_runes(base) > PROPS_MAX_USER_RUNES:
        raise _too_large()
    pieces = [message[start : start + max_runes] for start in range(0, len(message), max_runes)]
    splits: list[tuple[str, dict[str, Any]]] = [(piece, dict(base)) for piece in pieces or [""]]
    for attachment in attachments:
        text, last = splits[-1]
        grown = {**last, "attachments": [*last.get("attachments", []), attachment]}
        excess = _props_runes(grown) - PROPS_MAX_USER_RUNES
        if excess <= 0:
            splits[-1] = (text, grown)
            continue
        if last.get("attachments"):
            grown = {**base, "attachments": [attachment]}
            excess = _props_runes(grown) - PROPS_MAX_USER_RUNES
            if excess <= 0:
                splits.append(("", grown))
                continue
            text, last = "", dict(base)
            splits.append((text, last))
        splits[-1] = (text, _with_shortened(last, attachment, excess))
    return splits


def _with_shortened(
    props: dict[str, Any], attachment: dict[str, Any], excess: int
) -> dict[str, Any]:
    """``props`` plus ``attachment`` with as much of its text as fits (they were ``excess``
    characters too long with all of it); a 400 if not even an empty text fits."""
    body = attachment.get("text") or ""

    def with_text(length: int) -> dict[str, Any]:
        shortened = {**attachment, "text": body[:length]}
        return {**props, "attachments": [*props.get("attachments", []), shortened]}

    if _props_runes(with_text(0)) > PROPS_MAX_USER_RUNES:
        raise _too_large()
    # Every character costs at least one, so dropping ``excess`` of them is enough; JSON
    # escapes make some cost more, so search for the longest text that fits.
    fits, too_long = max(0, len(body) - excess), len(body)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if _props_runes(with_text(middle)) <= PROPS_MAX_USER_RUNES:
            fits = middle
        else:
            too_long = middle
    return with_text(fits)


def _too_large() -> AppError:
    return AppError(
        "web.incoming_webhook.split_props_length.app_error",
        f"The post's props would be longer than {PROPS_MAX_USER_RUNES} characters.",
        400,
    )
