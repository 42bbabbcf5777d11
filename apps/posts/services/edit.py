"""Changing and deleting posts: edits (full update and patch) with edit history, soft
deletes of whole threads, and permanent deletes. Permissions are the caller's job; the
domain rules (deleted posts, system posts, archived channels, the edit time limit) are here.

Edits keep the old version, as Mattermost does: the previous state is stored as a new,
already-deleted row whose ``original_id`` names the edited post. Those rows never count in a
thread or a channel, and lists skip them because they are deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id
from apps.posts.errors import missing_post
from apps.posts.models import Post
from apps.posts.services.files import (
    post_files_delete,
    post_files_delete_permanently,
    post_files_replace,
)
from apps.posts.services.threads import thread_reply_removed
from apps.posts.validators import hashtags_of, validate_post
from apps.posts.wire import post_json

SYSTEM_TYPE_PREFIX = "system_"


def edit_time_limit_passed(post: Post) -> bool:
    """``ServiceSettings.PostEditTimeLimit`` (seconds; -1 = no limit) is over for ``post``."""
    limit = settings.MATTERMOST.post_edit_time_limit
    return limit != -1 and now_ms() > post.create_at + limit * 1000


def _time_limit_error() -> AppError:
    limit = settings.MATTERMOST.post_edit_time_limit
    return AppError(
        "api.post.update_post.permissions_time_limit.app_error",
        f"A post's message can only be changed within {limit} seconds of posting it.",
        400,
    )


@dataclass(frozen=True)
class _Changes:
    """What an edit sets; ``None`` leaves a field as it is."""

    message: str | None = None
    props: dict[str, Any] | None = None
    file_ids: list[str] | None = None
    is_pinned: bool | None = None
    has_reactions: bool | None = None


def post_update(
    *,
    post: Post,
    message: str,
    props: dict[str, Any] | None,
    file_ids: list[str] | None,
    is_pinned: bool,
    has_reactions: bool,
) -> Post:
    """Replace the post's editable fields (``PUT /posts/{id}``). ``props`` and ``file_ids``
    of None keep the current ones; the message limit applies when the message changes."""
    if message != post.message and edit_time_limit_passed(post):
        raise _time_limit_error()
    changes = _Changes(
        message=message,
        props=props,
        file_ids=file_ids,
        is_pinned=is_pinned,
        has_reactions=has_reactions,
    )
    return _edit(
        post, changes, archived_error="api.post.update_post.can_not_update_post_in_deleted.error"
    )


def post_patch(
    *,
    post: Post,
    message: str | None = None,
    props: dict[str, Any] | None = None,
    file_ids: list[str] | None = None,
    is_pinned: bool | None = None,
    has_reactions: bool | None = None,
) -> Post:
    """Change only the given fields (``PUT /posts/{id}/patch``). As in Mattermost, giving a
    message at all (even the same one) is subject to the edit time limit."""
    if message is not None and edit_time_limit_passed(post):
        raise _time_limit_error()
    changes = _Changes(
        message=message,
        props=props,
        file_ids=file_ids,
        is_pinned=is_pinned,
        has_reactions=has_reactions,
    )
    return _edit(
        post, changes, archived_error="api.post.patch_post.can_not_update_post_in_deleted.error"
    )


def post_edit_message(*, post: Post, message: str) -> Post:
    """Change only the post's message (API v3's update, which ignores every other field).
    The edit time limit applies when the message really changes."""
    if message != post.message and edit_time_limit_passed(post):
        raise _time_limit_error()
    return _edit(
        post,
        _Changes(message=message),
        archived_error="api.post.update_post.can_not_update_post_in_deleted.error",
    )


def _edit(post: Post, changes: _Changes, *, archived_error: str) -> Post:
    with transaction.atomic():
        current = Post.objects.select_for_update().filter(pk=post.pk).first()
        if current is None:
            raise missing_post()
        if current.delete_at:
            raise AppError(
                "api.post.update_post.permissions_details.app_error",
                "A deleted post cannot be edited.",
                400,
            )
        if current.type.startswith(SYSTEM_TYPE_PREFIX):
            raise AppError(
                "api.post.update_post.system_message.app_error",
                "System messages cannot be edited.",
                400,
            )
        if Channel.objects.filter(pk=current.channel_id).values_list("delete_at", flat=True)[0]:
            raise AppError(archived_error, "Posts in an archived channel cannot be edited.", 400)
        before = Post(
            **{f.attname: getattr(current, f.attname) for f in Post._meta.concrete_fields}
        )
        _apply(current, changes)
        if changes.file_ids is not None:
            current.file_ids = post_files_replace(post=current, previous=before.file_ids)
        validate_post(
            message=current.message,
            props=current.props,
            file_ids=current.file_ids,
            type=current.type,
        )
        now = max(now_ms(), current.update_at + 1)
        edited = current.message != before.message or current.file_ids != before.file_ids
        if edited:
            current.edit_at = now
            current.hashtags = hashtags_of(current.message)
            _keep_version(before, now)
        current.update_at = now
        current.save()
        if not current.is_root:
            _touch_root(current.root_id, now)
    publish("post_edited", {"post": post_json(current)}, Broadcast(channel_id=current.channel_id))
    return current


def _apply(post: Post, changes: _Changes) -> None:
    if changes.message is not None:
        post.message = changes.message
    if changes.props is not None:
        post.props = changes.props
    if changes.file_ids is not None:
        post.file_ids = changes.file_ids
    if changes.is_pinned is not None:
        post.is_pinned = changes.is_pinned
    if changes.has_reactions is not None:
        post.has_reactions = changes.has_reactions


def _keep_version(before: Post, now: int) -> None:
    """Store the pre-edit state as a deleted row pointing at the post (edit history)."""
    before.original_id = before.id
    before.id = new_id()
    before.delete_at = now
    before.update_at = now
    before.pending_post_id = ""
    before.reply_count = 0
    before.last_reply_at = 0
    before.participants = []
    before.save(force_insert=True)


def _touch_root(root_id: str, now: int) -> None:
    Post.objects.filter(pk=root_id).update(update_at=Greatest(F("update_at"), Value(now)))


def post_delete(*, post: Post, deleter: User | None) -> Post:
    """Soft-delete the post and, for a thread's root, every reply: ``delete_at`` and
    ``update_at`` become now and ``props.deleteBy`` names the deleter ("" when an operator
    deletes it from the command line without naming an account). Deleting a reply
    recounts its thread (see ``thread_reply_removed``) and bumps the root's ``update_at``.
    The channel's message counters are left alone, as Mattermost does."""
    with transaction.atomic():
        current = Post.objects.select_for_update().filter(pk=post.pk, delete_at=0).first()
        if current is None:
            raise missing_post()
        if Channel.objects.filter(pk=current.channel_id).values_list("delete_at", flat=True)[0]:
            raise AppError(
                "api.post.delete_post.can_not_delete_post_in_deleted.error",
                "Posts in an archived channel cannot be deleted.",
                400,
            )
        # What listeners get: the post as it was, as Mattermost sends it.
        snapshot = post_json(current)
        now = max(now_ms(), current.update_at + 1)
        doomed = list(
            Post.objects.select_for_update().filter(
                Q(pk=current.pk) | Q(root_id=current.pk, delete_at=0, original_id="")
            )
        )
        for row in doomed:
            row.props = {**(row.props or {}), "deleteBy": deleter.id if deleter else ""}
            row.delete_at = now
            row.update_at = now
        Post.objects.bulk_update(doomed, ["props", "delete_at", "update_at"], batch_size=500)
        post_files_delete(post_ids=[row.id for row in doomed], now=now)
        if not current.is_root:
            thread_reply_removed(reply=current, now=now)
        current.refresh_from_db()
    publish("post_deleted", {"post": snapshot}, Broadcast(channel_id=current.channel_id))
    return current


def post_delete_permanently(*, post: Post, deleter: User) -> None:
    """Remove the post for good, with its replies, their edit history and reactions. A
    reply that was still alive comes off its thread's totals (``thread_reply_removed``)."""
    with transaction.atomic():
        current = Post.objects.select_for_update().filter(pk=post.pk).first()
        if current is None:
            raise missing_post()
        snapshot = json.loads(post_json(current))
        snapshot["props"] = {**snapshot["props"], "deleteBy": deleter.id}
        thread = Q(pk=current.pk) | Q(original_id=current.pk)
        if current.is_root and current.original_id == "":
            thread |= Q(root_id=current.pk)
        post_files_delete_permanently(
            post_ids=Post.objects.filter(thread).values_list("id", flat=True)
        )
        Post.objects.filter(thread).delete()
        if not current.is_root and current.delete_at == 0 and current.original_id == "":
            thread_reply_removed(reply=current, now=now_ms())
    publish(
        "post_deleted",
        {"post": json.dumps(snapshot, separators=(",", ":"))},
        Broadcast(channel_id=current.channel_id),
    )
