"""Posts, post lists and reactions as API v3 (Mattermost 4.10) serialises them. Nothing
here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apps.posts.models import FileInfo, Post
from apps.posts.validators import visible_props

V3_REACTION_FIELDS = ("user_id", "post_id", "emoji_name", "create_at")


def post_v3(post: Post, *, pending_post_id: str = "") -> dict[str, Any]:
    """The post in 4.10's field order. ``parent_id`` is the thread's root (threads are one
    level deep); ``pending_post_id`` is always there, empty except in the answer to the
    request that created the post; ``file_ids`` and ``has_reactions`` only when set."""
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
        "parent_id": post.root_id,
        "original_id": post.original_id,
        "message": post.message,
        "type": post.type,
        "props": visible_props(post.props),
        "hashtags": post.hashtags,
    }
    if post.file_ids:
        data["file_ids"] = list(post.file_ids)
    data["pending_post_id"] = pending_post_id
    if post.has_reactions:
        data["has_reactions"] = True
    return data


def post_list_v3(order: Iterable[str], posts: Mapping[str, Post]) -> dict[str, Any]:
    """``model.PostList`` of v3: the ids in ``order`` (newest first) and every post the
    list holds, by id (the roots of replies too, though they may not be in ``order``)."""
    return {
        "order": list(order),
        "posts": {post_id: post_v3(post) for post_id, post in posts.items()},
    }


def posts_in_order_v3(posts: list[Post]) -> dict[str, Any]:
    """A ``PostList`` of exactly ``posts``, in their order."""
    return post_list_v3([post.id for post in posts], {post.id: post for post in posts})


def reaction_v3(reaction: Mapping[str, Any]) -> dict[str, Any]:
    """``model.Reaction`` of 4.10 from a reaction's v4 fields: no update or delete times,
    no channel yet."""
    return {name: reaction[name] for name in V3_REACTION_FIELDS}


def file_info_v3(info: FileInfo) -> dict[str, Any]:
    """``model.FileInfo`` of 4.10: no channel, mini preview, remote id or archived flag
    (later additions); ``post_id``, ``width``, ``height`` and ``has_preview_image`` only
    when set."""
    data: dict[str, Any] = {"id": info.id, "user_id": info.creator_id}
    if info.post_id:
        data["post_id"] = info.post_id
    data.update(
        {
            "create_at": info.create_at,
            "update_at": info.update_at,
            "delete_at": info.delete_at,
            "name": info.name,
            "extension": info.extension,
            "size": info.size,
            "mime_type": info.mime_type,
        }
    )
    if info.width:
        data["width"] = info.width
    if info.height:
        data["height"] = info.height
    if info.has_preview_image:
        data["has_preview_image"] = True
    return data
