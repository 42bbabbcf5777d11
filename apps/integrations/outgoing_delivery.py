"""Firing outgoing webhooks: a post in a public channel whose first word matches a hook's
trigger word (or any post in the channel a hook watches) makes the server call the hook's
URLs; what a URL answers is posted back as the hook's creator.

``on_posted`` runs on the posting request's thread (events are delivered on commit), so
it stays cheap: it decides from the event alone whether the post can fire anything, then
reads the team's hooks in one indexed query and matches them in memory. Only when a hook
fires does it read the team's name (for ``team_domain``) and hand one call per URL to
``outbound.dispatch``. The calls and the answers' posts happen on the integration threads,
never in the request.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from apps.accounts.selectors import user_get
from apps.channels.models import CHANNEL_OPEN
from apps.channels.selectors import channel_get
from apps.core.errors import AppError
from apps.core.events import Event
from apps.core.parsers import loads_storable
from apps.integrations import outbound
from apps.integrations.models import (
    CONTENT_TYPE_JSON,
    TRIGGER_EXACT,
    TRIGGER_STARTS_WITH,
    OutgoingWebhook,
)
from apps.integrations.payloads import WebhookPayload, payload_from_object
from apps.integrations.selectors import outgoing_webhooks_of_team
from apps.integrations.services import webhook_post_create
from apps.posts.validators import SYSTEM_TYPE_PREFIX
from apps.teams.selectors import team_get

logger = logging.getLogger(__name__)

# An answer with this response_type is posted as a reply in the post's thread.
RESPONSE_TYPE_COMMENT = "comment"


@dataclass(frozen=True)
class FiringPost:
    """What a hook call needs to know of the post that fired it."""

    id: str
    root_id: str
    channel_id: str
    channel_name: str
    team_id: str
    user_id: str
    user_name: str
    message: str
    create_at: int
    file_ids: tuple[str, ...]

    @property
    def first_word(self) -> str:
        words = self.message.split()
        return words[0] if words else ""


def firing_post(event: Event) -> FiringPost | None:
    """The post of a ``posted`` event if it may fire outgoing webhooks: a person's (or a
    bot's) post in a public team channel while the feature is on. The server's own
    notices and the posts of webhooks never fire any, so a hook's answer cannot loop."""
    if event.event != "posted" or not settings.MATTERMOST.enable_outgoing_webhooks:
        return None
    data = event.data
    if data.get("channel_type") != CHANNEL_OPEN or not data.get("team_id"):
        return None
    post: dict[str, Any] = json.loads(data["post"])
    props = post.get("props") or {}
    if post.get("type", "").startswith(SYSTEM_TYPE_PREFIX) or props.get("from_webhook") == "true":
        return None
    return FiringPost(
        id=post["id"],
        root_id=post.get("root_id", ""),
        channel_id=post["channel_id"],
        channel_name=data.get("channel_name", ""),
        team_id=data["team_id"],
        user_id=post["user_id"],
        user_name=data.get("sender_name", "").removeprefix("@"),
        message=post.get("message", ""),
        create_at=post["create_at"],
        file_ids=tuple(post.get("file_ids") or ()),
    )


def trigger_word_for(hook: OutgoingWebhook, post: FiringPost) -> str | None:
    """The trigger word the post fires ``hook`` with ("" for a hook that fires on every
    post of its channel), or None if it does not fire it."""
    if hook.channel_id and hook.channel_id != post.channel_id:
        return None
    if hook.channel_id and not hook.trigger_words:
        return ""
    first = post.first_word
    if not first:
        return None
    for word in hook.trigger_words:
        if hook.trigger_when == TRIGGER_EXACT and first == word:
            return str(word)
        if hook.trigger_when == TRIGGER_STARTS_WITH and first.startswith(word):
            return str(word)
    return None


def hook_payload(
    hook: OutgoingWebhook, post: FiringPost, *, trigger_word: str, team_domain: str
) -> dict[str, Any]:
    """The fields Mattermost sends to a hook's URL (``timestamp`` in milliseconds)."""
    return {
        "token": hook.token,
        "team_id": hook.team_id,
        "team_domain": team_domain,
        "channel_id": post.channel_id,
        "channel_name": post.channel_name,
        "timestamp": post.create_at,
        "user_id": post.user_id,
        "user_name": post.user_name,
        "post_id": post.id,
        "text": post.message,
        "trigger_word": trigger_word,
        "file_ids": ",".join(post.file_ids),
    }


def encode_payload(payload: dict[str, Any], content_type: str) -> tuple[bytes, str]:
    """The request body and its Content-Type: JSON for JSON hooks, else a form, whose
    ``timestamp`` is in seconds (both as Mattermost sends them)."""
    if content_type == CONTENT_TYPE_JSON:
        return json.dumps(payload).encode(), CONTENT_TYPE_JSON
    form = {**payload, "timestamp": payload["timestamp"] // 1000}
    return urlencode(sorted(form.items())).encode(), "application/x-www-form-urlencoded"


def on_posted(event: Event) -> None:
    """The ``posted`` listener: queue one call per URL of every hook the post fires."""
    post = firing_post(event)
    if post is None:
        return
    fired = [
        (hook, word)
        for hook in outgoing_webhooks_of_team(post.team_id)
        if (word := trigger_word_for(hook, post)) is not None
    ]
    if not fired:
        return
    team = team_get(post.team_id)
    team_domain = team.name if team is not None else ""
    for hook, trigger_word in fired:
        payload = hook_payload(hook, post, trigger_word=trigger_word, team_domain=team_domain)
        body, content_type = encode_payload(payload, hook.content_type)
        for url in hook.callback_urls:
            call = partial(
                call_hook, hook=hook, post=post, url=url, body=body, content_type=content_type
            )
            outbound.dispatch(call)


def call_hook(
    *, hook: OutgoingWebhook, post: FiringPost, url: str, body: bytes, content_type: str
) -> None:
    """One call to one of the hook's URLs (on an integration thread); failures are
    logged for the operator, never raised."""
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    try:
        answer = outbound.call(url, body=body, headers=headers)
    except outbound.IntegrationCallError as error:
        logger.warning("outgoing webhook %s: the call failed: %s", hook.id, error)
        return
    try:
        reply = answer_payload(answer.body)
    except AppError as error:
        logger.warning(
            "outgoing webhook %s: %s answered unreadably: %s",
            hook.id,
            outbound.shown_url(url),
            error,
        )
        return
    if reply is not None:
        post_answer(hook=hook, post=post, answer=reply[0], comment=reply[1])


def answer_payload(body: bytes) -> tuple[WebhookPayload, bool] | None:
    """What to post of a URL's answer, and whether as a reply in the thread; None when
    the answer is empty or has neither text nor attachments."""
    if not body.strip():
        return None
    try:
        data = loads_storable(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise AppError("api.unmarshal_error", f"not JSON: {error}", 400) from error
    if not isinstance(data, dict):
        raise AppError("api.unmarshal_error", "not a JSON object", 400)
    # An answer names no channel and no emoji: it goes where the post was.
    payload = dataclasses.replace(payload_from_object(data), channel="", icon_emoji="")
    if not payload.text and not payload.attachments:
        return None
    return payload, data.get("response_type") == RESPONSE_TYPE_COMMENT


def post_answer(
    *, hook: OutgoingWebhook, post: FiringPost, answer: WebhookPayload, comment: bool
) -> None:
    author = user_get(hook.creator_id)
    channel = channel_get(post.channel_id)
    if author is None or channel is None:
        return
    try:
        webhook_post_create(
            hook=hook,
            author=author,
            channel=channel,
            payload=answer,
            # Threads are one level deep: a reply goes to the thread's first post.
            root_id=(post.root_id or post.id) if comment else "",
        )
    except AppError as error:
        logger.warning("outgoing webhook %s: its answer could not be posted: %s", hook.id, error)
