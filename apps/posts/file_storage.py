"""Where uploaded files live: names in Django's default storage (a local directory or an S3
bucket, see ``file_storage_backend`` in apps/core/config.py), laid out as Mattermost lays
them out, ``<yyyymmdd>/teams/noteam/channels/<channel>/users/<user>/<file id>/<name>``.

No database and no HTTP here: the file services decide what to store, the views what to
read.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

logger = logging.getLogger(__name__)

# Mattermost stores uploads under this team whatever the channel's team is.
NO_TEAM = "noteam"
# Longest stored file name, in UTF-8 bytes: file systems allow 255 per path component.
MAX_STORED_NAME_BYTES = 200


def file_store() -> Storage:
    return default_storage


def upload_directory(*, create_at: int, channel_id: str, user_id: str, file_id: str) -> str:
    day = datetime.datetime.fromtimestamp(create_at / 1000, tz=datetime.UTC).strftime("%Y%m%d")
    return f"{day}/teams/{NO_TEAM}/channels/{channel_id}/users/{user_id}/{file_id}/"


def stored_name(name: str) -> str:
    """``name`` as a path component: cut to fit a file system, extension kept."""
    if len(name.encode()) <= MAX_STORED_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode()) > 16:
        stem, extension = name, ""
    room = MAX_STORED_NAME_BYTES - len(extension.encode()) - len(dot)
    short = stem.encode()[:room].decode(errors="ignore")
    return f"{short}{dot}{extension}" if extension else short


def store_file(path: str, content: File) -> str:
    """Copy ``content`` (an upload, possibly a temporary file on disk) to ``path``.

    The storage copies in chunks (or moves the temporary file), so memory does not grow
    with the file."""
    content.seek(0)
    return file_store().save(path, content)


def store_bytes(path: str, data: bytes) -> str:
    return file_store().save(path, ContentFile(data))


def open_stored(path: str) -> IO[bytes]:
    """The stored file, to be streamed; raises FileNotFoundError when it is gone."""
    store = file_store()
    if not store.exists(path):
        raise FileNotFoundError(path)
    return store.open(path, "rb")


def delete_stored(paths: Iterable[str]) -> None:
    """Remove these files. A failure is logged, not raised: the rows are gone already and a
    stray file costs only space."""
    store = file_store()
    for path in paths:
        if not path:
            continue
        try:
            store.delete(path)
        except Exception:
            logger.warning("could not delete stored file %s", path, exc_info=True)
