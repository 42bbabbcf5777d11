"""Uploaded files: storing an upload (with an image's thumbnail, preview and mini preview),
attaching files to the post that names them, changing a post's files on edit, deleting a
post's files with it, and the hash of a file's public link.

Mattermost's rules (``app/file.go``, ``app/post.go attachFilesToPost``): a post takes only
files its author uploaded that no post holds yet; file ids it cannot take are dropped
silently and the post keeps the ones it took. We also require the file to have been
uploaded to the post's channel (Mattermost moves it there instead).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Iterable

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.crypto import salted_hmac

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.ids import new_id
from apps.posts import file_images
from apps.posts.file_storage import (
    delete_stored,
    store_bytes,
    store_file,
    stored_name,
    upload_directory,
)
from apps.posts.models import FileInfo, Post

# Python's built-in table, so a file's type does not depend on the host's mime.types, with
# the common types it lacks and a Mattermost server finds in its host's table.
_TYPES = mimetypes.MimeTypes()
_OFFICE = "application/vnd.openxmlformats-officedocument"
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument"
for _extension, _mime_type in {
    ".webp": "image/webp",
    ".md": "text/markdown",
    ".gz": "application/gzip",
    ".7z": "application/x-7z-compressed",
    ".rar": "application/vnd.rar",
    ".mkv": "video/x-matroska",
    ".ogg": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".docx": f"{_OFFICE}.wordprocessingml.document",
    ".xlsx": f"{_OFFICE}.spreadsheetml.sheet",
    ".pptx": f"{_OFFICE}.presentationml.presentation",
    ".odt": f"{_OPEN_DOCUMENT}.text",
    ".ods": f"{_OPEN_DOCUMENT}.spreadsheet",
    ".odp": f"{_OPEN_DOCUMENT}.presentation",
}.items():
    _TYPES.add_type(_mime_type, _extension)
SVG = "image/svg+xml"
GIF = "image/gif"
NAME_MAX_LENGTH = 256


# Types and errors


def file_type(name: str) -> tuple[str, str]:
    """(extension, mime type) of a file name as Mattermost's ``model.NewInfo`` gives them:
    the lower-cased text after the last dot, and the type registered for it ("" if none);
    text types say they are UTF-8, as Go's table does."""
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot >= 0 else ""
    mime_type = _TYPES.types_map[True].get(extension, "")
    if mime_type.startswith("text/"):
        mime_type += "; charset=utf-8"
    return extension[1:], mime_type


def too_large(name: str, length: int) -> AppError:
    limit = settings.MATTERMOST.max_file_size
    return AppError(
        "api.file.upload_file.too_large_detailed.app_error",
        f"{name} is {length} bytes; files may be at most {limit} bytes.",
        413,
    )


def _large_image(name: str, error: file_images.ImageTooLarge) -> AppError:
    return AppError(
        "api.file.upload_file.large_image_detailed.app_error",
        f"{name} dimensions ({error.width} by {error.height} pixels) exceed the limits.",
        400,
    )


# Uploading


def file_upload(*, uploader: User, channel: Channel, name: str, content: File) -> FileInfo:
    """Store ``content`` as the file ``name`` in ``channel``, uploaded by ``uploader``
    (permissions are the caller's job). An image also gets its size and renditions; an
    image larger than the resolution limit is refused. Nothing is left in the storage
    when the upload fails."""
    if content.size is None or content.size > settings.MATTERMOST.max_file_size:
        raise too_large(name, content.size or 0)
    if content.size == 0:
        # An empty file is refused: it is almost always a client's mistake (Mattermost
        # stores it; docs/files.md says why we do not).
        raise AppError(
            "api.file.upload_file.read_request.app_error", f"The file '{name}' is empty.", 400
        )
    if len(name) > NAME_MAX_LENGTH:
        name = stored_name(name)
    now = now_ms()
    info = FileInfo(
        id=new_id(),
        creator=uploader,
        channel=channel,
        name=name,
        size=content.size,
        create_at=now,
        update_at=now,
    )
    info.extension, info.mime_type = file_type(name)
    renditions = _image_renditions(info, content)
    directory = upload_directory(
        create_at=now, channel_id=channel.id, user_id=uploader.id, file_id=info.id
    )
    base = stored_name(name)
    stored: list[str] = []
    try:
        info.path = store_file(directory + base, content)
        stored.append(info.path)
        if renditions is not None:
            stem = base.rpartition(".")[0] or base
            info.thumbnail_path = store_bytes(f"{directory}{stem}_thumb.jpg", renditions.thumbnail)
            stored.append(info.thumbnail_path)
            info.preview_path = store_bytes(f"{directory}{stem}_preview.jpg", renditions.preview)
            stored.append(info.preview_path)
        info.save(force_insert=True)
    except BaseException:
        delete_stored(stored)
        raise
    return info


def _image_renditions(info: FileInfo, content: File) -> file_images.Renditions | None:
    """Fill in the image's size and mini preview; the thumbnail and preview to store.
    An SVG gets only its declared size; a file that does not decode stays a plain file,
    as in Mattermost."""
    if not info.mime_type.startswith("image/"):
        return None
    if info.mime_type == SVG:
        info.width, info.height = file_images.svg_dimensions(content) or (0, 0)
        return None
    try:
        size = file_images.image_dimensions(content)
    except file_images.ImageTooLarge as error:
        raise _large_image(info.name, error) from None
    if size is None:
        return None
    info.width, info.height = size
    renditions = file_images.renditions(content)
    if renditions is not None:
        info.mini_preview = renditions.mini_preview
        # Mattermost shows a GIF itself (it may move) rather than a still preview.
        info.has_preview_image = info.mime_type != GIF
    return renditions


# Files of posts


def _distinct(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _attach(*, post: Post, file_ids: list[str]) -> set[str]:
    """Attach those of ``file_ids`` the post may take; the ids attached."""
    if not file_ids:
        return set()
    takeable = set(
        FileInfo.objects.select_for_update()
        .filter(
            pk__in=file_ids,
            creator_id=post.user_id,
            channel_id=post.channel_id,
            post_id="",
            delete_at=0,
        )
        .values_list("id", flat=True)
    )
    FileInfo.objects.filter(pk__in=takeable).update(post_id=post.id)
    return takeable


def post_attach_files(post: Post) -> None:
    """Attach the files a new post names; its ``file_ids`` keep only those attached."""
    wanted = _distinct(post.file_ids or [])
    attached = _attach(post=post, file_ids=wanted)
    kept = [file_id for file_id in wanted if file_id in attached]
    if kept != post.file_ids:
        post.file_ids = kept
        Post.objects.filter(pk=post.pk).update(file_ids=kept)


def post_files_replace(*, post: Post, previous: list[str]) -> list[str]:
    """An edit gave the post the ``file_ids`` it now holds, where it had ``previous``:
    attach the new ones it may take, delete the ones it dropped, and return the ids it
    ends up with (in the order given)."""
    wanted = _distinct(post.file_ids or [])
    had = set(previous or [])
    added = [file_id for file_id in wanted if file_id not in had]
    dropped = had - set(wanted)
    attached = _attach(post=post, file_ids=added)
    if dropped:
        now = now_ms()
        FileInfo.objects.filter(post_id=post.id, pk__in=dropped, delete_at=0).update(
            delete_at=now, update_at=now
        )
    return [file_id for file_id in wanted if file_id in had or file_id in attached]


def post_files_delete(*, post_ids: Iterable[str], now: int) -> None:
    """Soft-delete the files of these (deleted) posts."""
    FileInfo.objects.filter(post_id__in=list(post_ids), delete_at=0).update(
        delete_at=now, update_at=now
    )


def post_files_delete_permanently(*, post_ids: Iterable[str]) -> None:
    """Remove the files of these posts for good: rows now, stored files once committed."""
    infos = FileInfo.objects.filter(post_id__in=list(post_ids))
    paths = [
        path
        for row in infos.values_list("path", "thumbnail_path", "preview_path")
        for path in row
        if path
    ]
    infos.delete()
    if paths:
        transaction.on_commit(lambda: delete_stored(paths))


# Public links


def public_link_salt() -> str:
    """FileSettings.PublicLinkSalt, or one derived from the secret key when it is unset, so
    every server process agrees on it without storing one."""
    configured: str = settings.MATTERMOST.public_link_salt
    return configured or salted_hmac("mattermost_py.public_link_salt", "").hexdigest()[:32]


def public_link_hash(file_id: str) -> str:
    """Mattermost's ``GeneratePublicLinkHash``: SHA-256 of salt then id, base64url."""
    digest = hashlib.sha256(public_link_salt().encode() + file_id.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
