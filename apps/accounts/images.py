"""Profile pictures as files: the generated default, turning an upload into the stored
128x128 PNG, and where that PNG lives (``DATA_DIR/files/users/<id>/profile.png``); and bots'
SVG icons (``DATA_DIR/files/bots/<id>/icon.svg``).

No HTTP and no database here: services decide when to call these, views never do directly.
"""

from __future__ import annotations

import io
import os
import tempfile
import zlib
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

PROFILE_SIZE = 128
# Mattermost's default FileSettings.MaxImageResolution (7680 x 4320): larger images are
# refused from their header alone, before any pixel is decoded.
MAX_IMAGE_RESOLUTION = 33_177_600

# Backgrounds of generated pictures: mid-dark tones that white letters stay readable on.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (197, 57, 41),
    (211, 84, 0),
    (183, 121, 31),
    (124, 140, 26),
    (46, 134, 70),
    (22, 138, 114),
    (17, 122, 139),
    (41, 98, 175),
    (63, 81, 181),
    (103, 58, 183),
    (142, 68, 173),
    (173, 20, 87),
    (192, 57, 110),
    (109, 76, 65),
    (84, 110, 122),
    (55, 71, 79),
)


class ImageLimitError(ValueError):
    """The upload is not a recognisable image, or has more pixels than we decode."""


class ImageDecodeError(ValueError):
    """The upload looked like an image but its pixels could not be decoded."""


def profile_image_path(user_id: str) -> Path:
    return Path(settings.DATA_DIR) / "files" / "users" / user_id / "profile.png"


def default_colour(user_id: str) -> tuple[int, int, int]:
    """The background of a user's generated picture: fixed for a given id."""
    return PALETTE[zlib.crc32(user_id.encode()) % len(PALETTE)]


def default_profile_image(*, user_id: str, username: str) -> bytes:
    """A PNG showing the username's first character in white on the user's colour.

    The username, not the full name, is drawn: the picture is shown to everyone, and the
    full name may be private (``ShowFullName``)."""
    image = Image.new("RGB", (PROFILE_SIZE, PROFILE_SIZE), default_colour(user_id))
    initial = username[:1].upper() or "?"
    font = ImageFont.load_default(size=PROFILE_SIZE // 2)
    centre = PROFILE_SIZE / 2
    ImageDraw.Draw(image).text((centre, centre), initial, fill="white", font=font, anchor="mm")
    return _png(image)


def profile_png_from_upload(upload: IO[bytes]) -> bytes:
    """The upload, turned upright, centre-cropped and scaled to 128x128, as PNG bytes.

    Raises ImageLimitError for a non-image or an oversize one (judged from the header, so a
    decompression bomb is never expanded) and ImageDecodeError for broken pixel data."""
    try:
        image = Image.open(upload)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ImageLimitError(str(exc)) from None
    width, height = image.size
    if width * height > MAX_IMAGE_RESOLUTION:
        raise ImageLimitError(f"{width}x{height} pixels is more than {MAX_IMAGE_RESOLUTION}")
    # JPEG can decode at a fraction of full size; ask for no less than the final picture.
    image.draft(None, (PROFILE_SIZE, PROFILE_SIZE))
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageDecodeError(str(exc)) from None
    fitted = ImageOps.fit(
        upright.convert("RGBA"), (PROFILE_SIZE, PROFILE_SIZE), Image.Resampling.LANCZOS
    )
    return _png(fitted)


def read_profile_image(user_id: str) -> bytes | None:
    """The stored (uploaded) picture, or None when the user has none."""
    try:
        return profile_image_path(user_id).read_bytes()
    except FileNotFoundError:
        return None


def write_profile_image(user_id: str, png: bytes) -> None:
    _write_atomically(profile_image_path(user_id), png)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def delete_profile_image(user_id: str) -> None:
    profile_image_path(user_id).unlink(missing_ok=True)


# Bot icons


def bot_icon_path(bot_user_id: str) -> Path:
    return Path(settings.DATA_DIR) / "files" / "bots" / bot_user_id / "icon.svg"


def is_svg(data: bytes) -> bool:
    """Whether ``data`` is an XML document whose root is an ``<svg>`` element. Entity
    declarations are refused outright: an icon needs none, and they are how XML bombs work."""
    if b"<!ENTITY" in data:
        return False
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError):
        return False
    return root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")


def read_bot_icon(bot_user_id: str) -> bytes | None:
    try:
        return bot_icon_path(bot_user_id).read_bytes()
    except FileNotFoundError:
        return None


def write_bot_icon(bot_user_id: str, svg: bytes) -> None:
    _write_atomically(bot_icon_path(bot_user_id), svg)


def delete_bot_icon(bot_user_id: str) -> None:
    bot_icon_path(bot_user_id).unlink(missing_ok=True)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
