"""Building uploads and images for the file tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.helpers import bearer

FILES = "/api/v4/files"


def image_bytes(
    kind: str, size: tuple[int, int], *, mode: str = "RGB", color: Any = "red", **save: Any
) -> bytes:
    """An image of one colour in format ``kind`` (PNG, JPEG, GIF ...)."""
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=kind, **save)
    return out.getvalue()


def exif_rotated_jpeg(size: tuple[int, int], orientation: int) -> bytes:
    """A JPEG stored ``size`` wide and high whose EXIF says to turn it for display."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return image_bytes("JPEG", size, exif=exif)


def upload(
    client: Client,
    token: str,
    channel_id: str | None,
    *files: tuple[str, bytes],
    client_ids: list[str] | None = None,
    query: str = "",
    **fields: Any,
) -> Any:
    """``POST /files`` as a multipart form: channel_id first, then client_ids, then files."""
    data: dict[str, Any] = {}
    if channel_id is not None:
        data["channel_id"] = channel_id
    if client_ids is not None:
        data["client_ids"] = client_ids
    data.update(fields)
    if files:
        data["files"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(f"{FILES}{query}", data=data, **bearer(token))


def raw_upload(client: Client, token: str, query: str, content: bytes, **headers: Any) -> Any:
    """``POST /files?...`` with the file as the whole body."""
    headers.setdefault("content_type", "application/octet-stream")
    return client.post(f"{FILES}?{query}", data=content, **bearer(token), **headers)


def uploaded_id(client: Client, token: str, channel_id: str, name: str, content: bytes) -> str:
    response = upload(client, token, channel_id, (name, content))
    assert response.status_code == 201, response.content
    file_id: str = response.json()["file_infos"][0]["id"]
    return file_id


def body_of(response: Any) -> bytes:
    """The bytes of a (possibly streamed) response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    content: bytes = response.content
    return content


BOUNDARY = "mmpy-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart_body(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart form in exactly the given order: (field, file name or None, content).
    A file name of "" makes a file part without a name."""
    out = io.BytesIO()
    for field, filename, content in parts:
        disposition = f'form-data; name="{field}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out.write(f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n".encode())
        if filename is not None:
            out.write(b"Content-Type: application/octet-stream\r\n")
        out.write(b"\r\n" + content + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def post_multipart(client: Client, token: str, *parts: tuple[str, str | None, bytes]) -> Any:
    return client.post(FILES, data=multipart_body(*parts), content_type=MULTIPART, **bearer(token))
