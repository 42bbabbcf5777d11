"""Ephemeral posts: shown to one user in one channel, never stored."""

from __future__ import annotations

import json
from typing import Any

from apps.core.clock import now_ms
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id
from apps.posts.models import Post
from apps.posts.validators import visible_props
from apps.posts.wire import post_fields

EPHEMERAL_TYPE = "system_ephemeral"


def ephemeral_post_send(
    *,
    author_id: str,
    recipient_id: str,
    channel_id: str,
    message: str,
    root_id: str = "",
    props: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Show ``recipient_id`` a post by ``author_id`` in ``channel_id`` (over the
    websocket ``ephemeral_message`` event) and return its JSON; nothing is saved."""
    now = now_ms()
    post = Post(
        id=new_id(),
        user_id=author_id,
        channel_id=channel_id,
        root_id=root_id,
        message=message,
        props=props or {},
        type=EPHEMERAL_TYPE,
        create_at=now,
        update_at=now,
    )
    fields = post_fields(post)
    fields["props"] = visible_props(fields["props"])
    publish(
        "ephemeral_message",
        {"post": json.dumps(fields, separators=(",", ":"))},
        Broadcast(user_id=recipient_id, channel_id=channel_id),
    )
    return fields
