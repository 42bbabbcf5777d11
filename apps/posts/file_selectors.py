"""Reads of uploaded files: one file, a post's files, the files of a page of posts (one
query), a channel's file count, and the JSON of a file as Mattermost's ``model.FileInfo``
serialises it."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from apps.posts.models import FileInfo, Post

FileInfosById = dict[str, list[dict[str, Any]]]


def file_info_fields(info: FileInfo) -> dict[str, Any]:
    """The file's JSON object. Paths stay on the server; ``post_id``, ``width``, ``height``
    and ``has_preview_image`` are left out while empty, as Mattermost does."""
    data: dict[str, Any] = {
        "id": info.id,
        "user_id": info.creator_id,
        "channel_id": info.channel_id,
        "create_at": info.create_at,
        "update_at": info.update_at,
        "delete_at": info.delete_at,
        "name": info.name,
        "extension": info.extension,
        "size": info.size,
        "mime_type": info.mime_type,
        "mini_preview": (
            base64.b64encode(bytes(info.mini_preview)).decode() if info.mini_preview else None
        ),
        "remote_id": info.remote_id,
        "archived": info.archived,
    }
    if info.post_id:
        data["post_id"] = info.post_id
    if info.width:
        data["width"] = info.width
    if info.height:
        data["height"] = info.height
    if info.has_preview_image:
        data["has_preview_image"] = True
    return data


def file_info_get(file_id: str) -> FileInfo | None:
    """The live (not deleted) file with this id."""
    return FileInfo.objects.filter(pk=file_id, delete_at=0).first()


def _in_post_order(infos: QuerySet[FileInfo]) -> QuerySet[FileInfo]:
    return infos.order_by("create_at", "id")


def file_infos_of_post(post_id: str, *, include_deleted: bool = False) -> list[FileInfo]:
    """The files attached to the post, oldest upload first."""
    infos = FileInfo.objects.filter(post_id=post_id)
    if not include_deleted:
        infos = infos.filter(delete_at=0)
    return list(_in_post_order(infos))


def file_infos_for_posts(posts: Iterable[Post]) -> FileInfosById:
    """``metadata.files`` for the posts that name files: one query however many posts, none
    when no post has files. A deleted post keeps showing the files deleted with it."""
    with_files = [post for post in posts if post.file_ids]
    if not with_files:
        return {}
    ids = [post.id for post in with_files]
    deleted = [post.id for post in with_files if post.delete_at]
    infos = FileInfo.objects.filter(post_id__in=ids).filter(Q(delete_at=0) | Q(post_id__in=deleted))
    result: FileInfosById = {}
    for info in _in_post_order(infos):
        result.setdefault(info.post_id, []).append(file_info_fields(info))
    return result


def channel_file_count(channel_id: str) -> int:
    """Files posted in the channel and not deleted: ChannelStats' ``files_count``."""
    return FileInfo.objects.filter(channel_id=channel_id, delete_at=0).exclude(post_id="").count()
