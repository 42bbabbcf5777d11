"""Posts and post lists as Mattermost 1.4 serialised them.

1.x posts had a ``parent_id`` (the post replied to; threads are one level deep here, so it
is the root) and ``filenames`` (paths of files uploaded through v1's file routes, which are
not served: always empty). ``pending_post_id`` was not stored in 1.x: only the answer to a
new post echoes it. Of the server's notices 1.x knew join/leave and header changes; the
others read as plain messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apps.posts.models import Post
from apps.posts.services import system_posts
from apps.posts.validators import visible_props

JOIN_LEAVE = "system_join_leave"
V1_POST_TYPES = {
    **dict.fromkeys(
        (
            system_posts.JOIN_CHANNEL,
            system_posts.GUEST_JOIN_CHANNEL,
            system_posts.LEAVE_CHANNEL,
            system_posts.ADD_TO_CHANNEL,
            system_posts.ADD_GUEST_TO_CHANNEL,
            system_posts.REMOVE_FROM_CHANNEL,
            system_posts.JOIN_TEAM,
            system_posts.LEAVE_TEAM,
            system_posts.ADD_TO_TEAM,
            system_posts.REMOVE_FROM_TEAM,
        ),
        JOIN_LEAVE,
    ),
    system_posts.HEADER_CHANGE: system_posts.HEADER_CHANGE,
    "slack_attachment": "slack_attachment",
}


def v1_post(post: Post, *, pending: bool = False) -> dict[str, Any]:
    """``pending`` echoes the client's ``pending_post_id`` (the answer to a new post)."""
    return {
        "id": post.id,
        "create_at": post.create_at,
        "update_at": post.update_at,
        "delete_at": post.delete_at,
        "user_id": post.user_id,
        "channel_id": post.channel_id,
        "root_id": post.root_id,
        "parent_id": post.root_id,
        "original_id": post.original_id,
        "message": post.message,
        "type": V1_POST_TYPES.get(post.type, ""),
        "props": visible_props(post.props),
        "hashtags": post.hashtags,
        "filenames": [],
        "pending_post_id": post.pending_post_id if pending else "",
    }


def v1_post_list(order: Iterable[str], posts: Mapping[str, Post]) -> dict[str, Any]:
    """1.x's ``PostList``: ids newest first, and the posts (with their threads) by id."""
    return {"order": list(order), "posts": {pid: v1_post(post) for pid, post in posts.items()}}
