"""Uploading and removing profile pictures."""

from __future__ import annotations

from typing import IO

from apps.accounts import images
from apps.accounts.models import (
    User,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError


def user_set_profile_image(*, user: User, upload: IO[bytes]) -> None:
    """Store an uploaded picture as the user's 128x128 PNG and date the change, which is
    what the picture's ETag and the clients' cache-busting URLs follow."""
    try:
        png = images.profile_png_from_upload(upload)
    except images.ImageLimitError as exc:
        raise AppError(
            "api.user.upload_profile_user.check_image_limits.app_error",
            "The file is not an image we can read, or it has too many pixels.",
            400,
            str(exc),
        ) from None
    except images.ImageDecodeError as exc:
        raise AppError(
            "api.user.upload_profile_user.decode.app_error",
            "The image data is damaged and could not be decoded.",
            400,
            str(exc),
        ) from None
    if images.read_profile_image(user.id) == png:
        return  # the same picture again: keep the date so cached copies stay valid
    images.write_profile_image(user.id, png)
    now = now_ms()
    user.last_picture_update = now
    user.update_at = now
    user.save(update_fields=["last_picture_update", "update_at"])


def user_remove_profile_image(*, user: User) -> None:
    """Back to the generated picture. As in Mattermost, ``last_picture_update`` returns to
    0, which clients read as "no picture of one's own"; the ETag changes with it."""
    images.delete_profile_image(user.id)
    user.last_picture_update = 0
    user.update_at = now_ms()
    user.save(update_fields=["last_picture_update", "update_at"])
