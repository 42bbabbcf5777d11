"""What an uploaded image gets, as Mattermost makes it (``app/file.go``, ``app/imaging``):
its upright size, a thumbnail filling 120x100, a preview at most 1920 wide, and a 16x16
"mini preview" that clients blur while the real image loads. All three are JPEG, quality 90.

No database, no storage and no HTTP here: bytes in, bytes out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from apps.accounts.images import MAX_IMAGE_RESOLUTION

THUMBNAIL_WIDTH = 120
THUMBNAIL_HEIGHT = 100
PREVIEW_WIDTH = 1920
MINI_PREVIEW_SIZE = (16, 16)
JPEG_QUALITY = 90
# EXIF orientations that turn the picture a quarter: its upright width is its stored height.
QUARTER_TURNS = frozenset({5, 6, 7, 8})
EXIF_ORIENTATION = 0x0112
# Enough of an SVG to find its root element's size.
SVG_HEAD_BYTES = 4096
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_LENGTH = r'\b{}\s*=\s*["\']\s*([0-9.]+)\s*(?:px)?\s*["\']'
_SVG_VIEWBOX = re.compile(r'\bviewBox\s*=\s*["\']([^"\']*)["\']', re.IGNORECASE)


class ImageTooLarge(ValueError):
    """The image has more pixels than FileSettings.MaxImageResolution allows."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}x{height} pixels is more than {MAX_IMAGE_RESOLUTION}")
        self.width = width
        self.height = height


@dataclass(frozen=True)
class Renditions:
    width: int
    height: int
    thumbnail: bytes
    preview: bytes
    mini_preview: bytes


def _open(source: IO[bytes]) -> Image.Image | None:
    source.seek(0)
    try:
        return Image.open(source)
    except Image.DecompressionBombError:
        raise ImageTooLarge(0, 0) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    orientation = image.getexif().get(EXIF_ORIENTATION)
    return (height, width) if orientation in QUARTER_TURNS else (width, height)


def _scaled(width: int, height: int, *, to_width: int = 0, to_height: int = 0) -> tuple[int, int]:
    """Go imaging's Resize with one side 0: the other keeps the aspect ratio, rounded."""
    if to_width:
        return to_width, max(1, int(to_width * height / width + 0.5))
    return max(1, int(to_height * width / height + 0.5)), to_height


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """Mattermost's ``GenerateThumbnail``: a larger image shrinks until it just fills
    120x100 (the side that reaches the box first stops there); a smaller one stays as is."""
    if width <= THUMBNAIL_WIDTH and height <= THUMBNAIL_HEIGHT:
        return width, height
    wider_than_box = height / width < THUMBNAIL_HEIGHT / THUMBNAIL_WIDTH
    if wider_than_box:
        if height >= THUMBNAIL_HEIGHT:
            return _scaled(width, height, to_height=THUMBNAIL_HEIGHT)
        return _scaled(width, height, to_width=THUMBNAIL_WIDTH)
    if width >= THUMBNAIL_WIDTH:
        return _scaled(width, height, to_width=THUMBNAIL_WIDTH)
    return _scaled(width, height, to_height=THUMBNAIL_HEIGHT)


def preview_size(width: int, height: int) -> tuple[int, int]:
    if width <= PREVIEW_WIDTH:
        return width, height
    return _scaled(width, height, to_width=PREVIEW_WIDTH)


def image_dimensions(source: IO[bytes]) -> tuple[int, int] | None:
    """The upright size of a raster image, read from its header; None when Pillow cannot
    read it (the file is then kept as it is, without renditions, as Mattermost does).
    Raises ImageTooLarge before any pixel is decoded."""
    image = _open(source)
    if image is None:
        return None
    width, height = _upright_size(image)
    if width * height > MAX_IMAGE_RESOLUTION:
        raise ImageTooLarge(width, height)
    return width, height


def renditions(source: IO[bytes]) -> Renditions | None:
    """Thumbnail, preview and mini preview of the image; None when its pixels cannot be
    decoded."""
    image = _open(source)
    if image is None:
        return None
    width, height = _upright_size(image)
    preview_box = preview_size(width, height)
    # JPEG can decode at a power-of-two fraction: ask for no less than the preview needs.
    wanted = (preview_box[0], 1) if width == image.size[0] else (1, preview_box[0])
    image.draft("RGB", wanted)
    try:
        image.load()
        upright = _on_white(ImageOps.exif_transpose(image))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return Renditions(
        width=width,
        height=height,
        thumbnail=_jpeg(upright, thumbnail_size(width, height)),
        preview=_jpeg(upright, preview_box),
        mini_preview=_jpeg(upright, MINI_PREVIEW_SIZE),
    )


def svg_dimensions(source: IO[bytes]) -> tuple[int, int] | None:
    """The size an SVG declares on its root element (width and height, else the viewBox)."""
    source.seek(0)
    root = _SVG_ROOT.search(source.read(SVG_HEAD_BYTES))
    if root is None:
        return None
    tag = root.group(0).decode(errors="replace")
    sides = [re.search(_SVG_LENGTH.format(side), tag) for side in ("width", "height")]
    if sides[0] and sides[1]:
        return _positive_pair(sides[0].group(1), sides[1].group(1))
    box = _SVG_VIEWBOX.search(tag)
    if box is None:
        return None
    parts = box.group(1).replace(",", " ").split()
    return _positive_pair(*parts[2:4]) if len(parts) == 4 else None


def _positive_pair(width: str, height: str) -> tuple[int, int] | None:
    try:
        size = int(float(width)), int(float(height))
    except ValueError:
        return None
    return size if min(size) > 0 else None


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent parts are shown on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, size: tuple[int, int]) -> bytes:
    resized = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    resized.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
