"""A thread as Mattermost's ``ThreadResponse`` serialises it, shared by the thread routes
and the ``thread_updated`` event."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from apps.accounts.api.v4.serializers import user_for_viewer
from apps.accounts.models import User
from apps.posts.thread_selectors import UserThread
from apps.posts.wire import post_fields


def participants_json(
    user_ids: Iterable[str], users: Mapping[str, User] | None, viewer: User | None
) -> list[dict[str, Any]]:
    """The thread's participants: user stubs (``{"id"}``), or, given the ``users``,
    their profiles as ``viewer`` may see them (users that no longer exist are left out)."""
    if users is None or viewer is None:
        return [{"id": user_id} for user_id in user_ids]
    return [user_for_viewer(users[user_id], viewer) for user_id in user_ids if user_id in users]


def thread_fields(thread: UserThread, participants: list[dict[str, Any]]) -> dict[str, Any]:
    root = thread.root
    return {
        "id": root.id,
        "reply_count": root.reply_count,
        "last_reply_at": root.last_reply_at,
        "last_viewed_at": thread.last_viewed,
        "participants": participants,
        "post": post_fields(root),
        "unread_replies": thread.unread_replies,
        "unread_mentions": thread.unread_mentions,
        # No post priorities here, so no thread is ever urgent.
        "is_urgent": False,
        "delete_at": root.delete_at,
    }


def thread_json(thread: UserThread, participants: list[dict[str, Any]]) -> str:
    """The thread as the compact JSON string ``thread_updated`` carries."""
    return json.dumps(thread_fields(thread, participants), separators=(",", ":"))
