"""A post as Mattermost's ``model.Post`` serialises it, shared by the API and the events."""

from __future__ import annotations

import json
from typing import Any

from apps.posts.file_selectors import file_infos_for_posts
from apps.posts.models import Post


def post_fields(
    post: Post,
    *,
    reactions: list[dict[str, Any]] | None = None,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The post's JSON object. ``reactions`` and ``files`` (already serialised) go into
    ``metadata``."""
    data: dict[str, Any] = {
        "id": post.id,
        "create_at": post.create_at,
        "update_at": post.update_at,
        "edit_at": post.edit_at,
        "delete_at": post.delete_at,
        "is_pinned": post.is_pinned,
        "user_id": post.user_id,
        "channel_id": post.channel_id,
        "root_id": post.root_id,
        "original_id": post.original_id,
        "message": post.message,
        "type": post.type,
        "props": post.props or {},
        "hashtags": post.hashtags,
        "pending_post_id": post.pending_post_id,
        "reply_count": post.reply_count,
        "last_reply_at": post.last_reply_at,
        "participants": None,
        "metadata": {},
    }
    # Mattermost leaves these out while they are empty.
    if post.file_ids:
        data["file_ids"] = post.file_ids
    if post.has_reactions:
        data["has_reactions"] = True
    if post.remote_id:
        data["remote_id"] = post.remote_id
    if reactions:
        data["metadata"]["reactions"] = reactions
    if files:
        data["metadata"]["files"] = files
    return data


def post_json(post: Post) -> str:
    """The post as a compact JSON string: what ``posted`` and friends carry. Clients show
    attachments from ``metadata.files``, so a post with files brings them (one query)."""
    files = file_infos_for_posts([post]).get(post.id)
    return json.dumps(post_fields(post, files=files), separators=(",", ":"))
