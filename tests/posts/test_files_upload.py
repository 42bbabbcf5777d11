"""Uploading files over API v4 (``POST /api/v4/files``): the multipart form and the raw
body, client ids, what Mattermost answers to bad requests, size limits, file types, image
sizes and renditions, and the memory an upload costs."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from PIL import Image

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.errors import AppError
from apps.posts.models import FileInfo
from apps.posts.services import file_upload
from tests.helpers import assert_error, bearer
from tests.posts.file_helpers import (
    BOUNDARY,
    FILES,
    MULTIPART,
    body_of,
    exif_rotated_jpeg,
    image_bytes,
    post_multipart,
    raw_upload,
    upload,
)

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
READ_REQUEST = "api.file.upload_file.read_request.app_error"
TOO_LARGE = "api.context.request_body_too_large.app_error"
UNKNOWN_ID = "q" * 26
FILE_INFO_KEYS = {
    "id",
    "user_id",
    "channel_id",
    "create_at",
    "update_at",
    "delete_at",
    "name",
    "extension",
    "size",
    "mime_type",
    "mini_preview",
    "remote_id",
    "archived",
}


def download(client: Client, token: str, url: str) -> bytes:
    response = client.get(url, **bearer(token))
    assert response.status_code == 200, response
    return body_of(response)


# The multipart form


def test_upload_and_download_round_trip(
    client: Client, token: str, user: User, town_square: Channel, file_store: Path
) -> None:
    content = "Grüße aus dem Kanal\n".encode() * 100
    response = upload(client, token, town_square.id, ("notes.txt", content))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["client_ids"] == []
    [info] = body["file_infos"]
    assert set(info) == FILE_INFO_KEYS  # no post_id, width, height, preview while empty
    assert info["user_id"] == user.id
    assert info["channel_id"] == town_square.id
    assert (info["name"], info["extension"]) == ("notes.txt", "txt")
    assert info["mime_type"] == "text/plain; charset=utf-8"
    assert info["size"] == len(content)
    assert info["mini_preview"] is None
    assert (info["delete_at"], info["remote_id"], info["archived"]) == (0, "", False)

    assert download(client, token, f"{FILES}/{info['id']}") == content
    stored = FileInfo.objects.get(pk=info["id"])
    # Laid out as Mattermost lays out its data directory.
    parts = stored.path.split("/")
    assert parts[1:] == [
        "teams",
        "noteam",
        "channels",
        town_square.id,
        "users",
        user.id,
        info["id"],
        "notes.txt",
    ]
    assert (file_store / stored.path).read_bytes() == content


def test_several_files_keep_their_order_and_client_ids(
    client: Client, token: str, town_square: Channel
) -> None:
    files = [("a.txt", b"first"), ("b.csv", b"x,y\n1,2\n"), ("c.bin", os.urandom(3000))]
    response = upload(client, token, town_square.id, *files, client_ids=["c1", "c2", "c3"])
    assert response.status_code == 201
    body = response.json()
    assert body["client_ids"] == ["c1", "c2", "c3"]
    assert [info["name"] for info in body["file_infos"]] == ["a.txt", "b.csv", "c.bin"]
    for info, (_, content) in zip(body["file_infos"], files, strict=True):
        assert download(client, token, f"{FILES}/{info['id']}") == content


def test_the_raw_body_variant(client: Client, token: str, town_square: Channel) -> None:
    content = os.urandom(5000)
    response = raw_upload(client, token, f"channel_id={town_square.id}&filename=x.bin", content)
    assert response.status_code == 201
    body = response.json()
    # Mattermost answers null, not [], when a simple upload names no client id.
    assert body["client_ids"] is None
    [info] = body["file_infos"]
    assert (info["name"], info["size"], info["mime_type"]) == (
        "x.bin",
        5000,
        "application/octet-stream",
    )
    assert download(client, token, f"{FILES}/{info['id']}") == content

    named = raw_upload(
        client, token, f"channel_id={town_square.id}&filename=a/b/y.txt&client_id=k1", b"y"
    )
    assert named.status_code == 201
    assert named.json()["client_ids"] == ["k1"]
    assert named.json()["file_infos"][0]["name"] == "y.txt"


def test_a_form_without_files_uploads_nothing(
    client: Client, token: str, town_square: Channel
) -> None:
    response = post_multipart(client, token, ("channel_id", None, town_square.id.encode()))
    assert response.status_code == 201
    assert response.json() == {"file_infos": [], "client_ids": []}


def test_an_empty_file_is_refused_and_nothing_is_stored(
    client: Client, token: str, town_square: Channel, file_store: Path
) -> None:
    response = upload(client, token, town_square.id, ("empty.txt", b""))
    assert_error(response, 400, READ_REQUEST)
    assert not FileInfo.objects.exists()
    assert not [path for path in file_store.rglob("*") if path.is_file()]


# Refusals


def test_needs_a_session(client: Client, town_square: Channel) -> None:
    response = client.post(FILES, data={"channel_id": town_square.id})
    assert_error(response, 401, NO_SESSION)


def test_switched_off(client: Client, token: str, town_square: Channel, mm_config: Any) -> None:
    mm_config(enable_file_attachments=False)
    response = upload(client, token, town_square.id, ("a.txt", b"a"))
    assert_error(response, 403, "api.file.attachments.disabled.app_error")
    assert not FileInfo.objects.exists()


def test_bad_requests(client: Client, token: str, town_square: Channel) -> None:
    channel = ("channel_id", None, town_square.id.encode())
    one_file = ("files", "a.txt", b"a")
    empty = client.post(FILES, data=b"", content_type=MULTIPART, **bearer(token))
    assert_error(empty, 400, READ_REQUEST)
    no_boundary = client.post(FILES, data=b"x", content_type="multipart/form-data", **bearer(token))
    assert_error(no_boundary, 400, READ_REQUEST)
    assert_error(post_multipart(client, token, one_file), 400, BODY_ERROR)
    bad_channel = ("channel_id", None, b"nope")
    assert_error(post_multipart(client, token, bad_channel, one_file), 400, URL_ERROR)
    # A file part without a file name arrives as a plain field named "files".
    unnamed = post_multipart(client, token, channel, ("files", "", b"data"))
    assert assert_error(unnamed, 400, BODY_ERROR)["message"].count("files") == 1
    unknown = post_multipart(client, token, channel, ("colour", None, b"red"), one_file)
    assert "colour" in assert_error(unknown, 400, BODY_ERROR)["message"]
    query = upload(client, token, town_square.id, ("a.txt", b"a"), query=f"?channel_id={'x' * 26}")
    assert_error(query, 400, "api.file.upload_file.multiple_channel_ids.app_error")
    too_many = upload(client, token, town_square.id, ("a.txt", b"a"), client_ids=["1", "2"])
    assert_error(too_many, 400, "api.file.upload_file.incorrect_number_of_client_ids.app_error")
    too_few = upload(client, token, town_square.id, ("a", b"a"), ("b", b"b"), client_ids=["1"])
    assert_error(too_few, 400, BODY_ERROR)
    assert not FileInfo.objects.exists()


def test_bad_raw_requests(client: Client, token: str, town_square: Channel) -> None:
    channel = f"channel_id={town_square.id}"
    assert_error(raw_upload(client, token, "filename=a.txt", b"a"), 400, URL_ERROR)
    assert_error(raw_upload(client, token, channel, b"a"), 400, URL_ERROR)
    assert_error(raw_upload(client, token, f"{channel}&filename=..", b"a"), 400, URL_ERROR)
    assert_error(raw_upload(client, token, f"{channel}&filename=a.txt", b""), 400, READ_REQUEST)
    assert not FileInfo.objects.exists()


def test_channels_one_may_not_upload_to(
    client: Client,
    token: str,
    bob_token: str,
    eve_token: str,
    town_square: Channel,
    private_room: Channel,
) -> None:
    cases = [
        (token, UNKNOWN_ID),  # no such channel
        (bob_token, private_room.id),  # not a member
        (eve_token, town_square.id),  # not even in the team
    ]
    for caller, channel_id in cases:
        assert_error(upload(client, caller, channel_id, ("a.txt", b"a")), 403, FORBIDDEN)
        raw = raw_upload(client, caller, f"channel_id={channel_id}&filename=a.txt", b"a")
        assert_error(raw, 403, FORBIDDEN)
    assert not FileInfo.objects.exists()


# Size limits


def test_bodies_over_the_file_size_limit(
    client: Client, token: str, town_square: Channel, mm_config: Any
) -> None:
    mm_config(max_file_size=1000)
    assert upload(client, token, town_square.id, ("ok.bin", b"x" * 500)).status_code == 201
    big = upload(client, token, town_square.id, ("big.bin", b"x" * 1001))
    assert_error(big, 413, TOO_LARGE)
    raw = raw_upload(client, token, f"channel_id={town_square.id}&filename=big.bin", b"x" * 1001)
    assert_error(raw, 413, TOO_LARGE)
    assert FileInfo.objects.count() == 1


def test_the_file_size_limit_applies_to_each_file(
    user: User, town_square: Channel, mm_config: Any, file_store: Path
) -> None:
    """Behind the request-size guard, each file is measured again before it is stored."""
    mm_config(max_file_size=10)
    with pytest.raises(AppError) as refused:
        file_upload(
            uploader=user,
            channel=town_square,
            name="eleven.txt",
            content=SimpleUploadedFile("eleven.txt", b"x" * 11),
        )
    assert refused.value.status_code == 413
    assert refused.value.error_id == "api.file.upload_file.too_large_detailed.app_error"
    assert not FileInfo.objects.exists()
    assert not file_store.exists() or not any(file_store.rglob("*.txt"))


def test_a_50_mib_upload_streams_through_a_temporary_file(
    token: str, town_square: Channel, tmp_path: Path, file_store: Path
) -> None:
    """The body is read in chunks into a temporary file that is then moved (or copied in
    chunks) to the storage: Python's memory does not grow with the file."""
    size = 50 * 1024 * 1024
    block = os.urandom(1024 * 1024)
    body = tmp_path / "request-body"
    digest = hashlib.sha256()
    with body.open("wb") as out:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="channel_id"\r\n\r\n'
            f"{town_square.id}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="files"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        for _ in range(size // len(block)):
            out.write(block)
            digest.update(block)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    del block

    handler = ClientHandler()
    # A small upload first, so that what the first request imports and caches is not counted.
    assert upload(Client(), token, town_square.id, ("warm.txt", b"up")).status_code == 201
    with body.open("rb") as stream:
        environ = RequestFactory()._base_environ(
            PATH_INFO=FILES,
            REQUEST_METHOD="POST",
            CONTENT_TYPE=MULTIPART,
            CONTENT_LENGTH=str(body.stat().st_size),
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **{"wsgi.input": stream},
        )
        tracemalloc.start()
        try:
            response = handler(environ)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert response.status_code == 201, response.content
    info = json.loads(response.content)["file_infos"][0]
    assert info["size"] == size
    stored = file_store / FileInfo.objects.get(pk=info["id"]).path
    stored_digest = hashlib.sha256()
    with stored.open("rb") as saved:
        for chunk in iter(lambda: saved.read(1 << 20), b""):
            stored_digest.update(chunk)
    assert stored_digest.digest() == digest.digest()
    print(f"peak traced memory while uploading 50 MiB: {peak / 1024 / 1024:.2f} MiB")
    assert peak < 4 * 1024 * 1024, f"{peak} bytes at peak for a {size}-byte upload"


# Types and images


@pytest.mark.parametrize(
    ("name", "extension", "mime_type"),
    [
        ("Report.PDF", "pdf", "application/pdf"),
        ("photo.JPG", "jpg", "image/jpeg"),
        ("page.html", "html", "text/html; charset=utf-8"),
        ("data.json", "json", "application/json"),
        ("README", "", ""),
        ("archive.tar.gz", "gz", "application/gzip"),
        ("strange.zzz", "zzz", ""),
        (
            "Budget.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_extension_and_type_come_from_the_name(
    client: Client, token: str, town_square: Channel, name: str, extension: str, mime_type: str
) -> None:
    response = upload(client, token, town_square.id, (name, b"not really"))
    info = response.json()["file_infos"][0]
    assert (info["name"], info["extension"], info["mime_type"]) == (name, extension, mime_type)


def jpeg_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.size


@pytest.mark.parametrize(
    ("kind", "name", "size", "thumbnail", "preview"),
    [
        ("PNG", "wide.png", (400, 300), (133, 100), (400, 300)),
        ("PNG", "tall.png", (300, 900), (120, 360), (300, 900)),
        ("JPEG", "panorama.jpg", (4000, 1000), (400, 100), (1920, 480)),
        ("PNG", "tiny.png", (50, 40), (50, 40), (50, 40)),
        ("BMP", "old.bmp", (240, 100), (240, 100), (240, 100)),
    ],
)
def test_images_get_size_thumbnail_preview_and_mini_preview(
    client: Client,
    token: str,
    town_square: Channel,
    kind: str,
    name: str,
    size: tuple[int, int],
    thumbnail: tuple[int, int],
    preview: tuple[int, int],
) -> None:
    response = upload(client, token, town_square.id, (name, image_bytes(kind, size)))
    info = response.json()["file_infos"][0]
    assert (info["width"], info["height"]) == size
    assert info["has_preview_image"] is True
    assert jpeg_size(base64.b64decode(info["mini_preview"])) == (16, 16)
    assert jpeg_size(download(client, token, f"{FILES}/{info['id']}/thumbnail")) == thumbnail
    assert jpeg_size(download(client, token, f"{FILES}/{info['id']}/preview")) == preview


def test_exif_orientation_is_applied(client: Client, token: str, town_square: Channel) -> None:
    # Stored 400x200, to be shown turned a quarter: the picture is 200 wide and 400 high.
    response = upload(
        client, token, town_square.id, ("phone.jpg", exif_rotated_jpeg((400, 200), 6))
    )
    info = response.json()["file_infos"][0]
    assert (info["width"], info["height"]) == (200, 400)
    assert jpeg_size(download(client, token, f"{FILES}/{info['id']}/preview")) == (200, 400)
    assert jpeg_size(download(client, token, f"{FILES}/{info['id']}/thumbnail")) == (120, 240)


def test_transparent_parts_turn_white(client: Client, token: str, town_square: Channel) -> None:
    clear = image_bytes("PNG", (200, 200), mode="RGBA", color=(0, 0, 0, 0))
    info = upload(client, token, town_square.id, ("clear.png", clear)).json()["file_infos"][0]
    thumbnail = Image.open(io.BytesIO(download(client, token, f"{FILES}/{info['id']}/thumbnail")))
    assert thumbnail.convert("L").getextrema()[0] > 240


def test_a_gif_is_shown_as_itself(client: Client, token: str, town_square: Channel) -> None:
    info = upload(
        client, token, town_square.id, ("wave.gif", image_bytes("GIF", (150, 150)))
    ).json()["file_infos"][0]
    assert (info["width"], info["height"]) == (150, 150)
    assert "has_preview_image" not in info
    assert info["mini_preview"]
    assert jpeg_size(download(client, token, f"{FILES}/{info['id']}/thumbnail")) == (120, 120)


def test_an_svg_keeps_its_declared_size(client: Client, token: str, town_square: Channel) -> None:
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64px" height="32"/>'
    )
    info = upload(client, token, town_square.id, ("logo.svg", svg)).json()["file_infos"][0]
    assert (info["mime_type"], info["width"], info["height"]) == ("image/svg+xml", 64, 32)
    assert "has_preview_image" not in info
    boxed = b'<svg viewBox="0 0 300 150" xmlns="http://www.w3.org/2000/svg"></svg>'
    info = upload(client, token, town_square.id, ("box.svg", boxed)).json()["file_infos"][0]
    assert (info["width"], info["height"]) == (300, 150)
    response = client.get(f"{FILES}/{info['id']}/thumbnail", **bearer(token))
    assert_error(response, 400, "api.file.get_file_thumbnail.no_thumbnail.app_error")


def test_a_broken_image_is_kept_as_a_plain_file(
    client: Client, token: str, town_square: Channel
) -> None:
    response = upload(client, token, town_square.id, ("fake.png", b"this is no picture"))
    info = response.json()["file_infos"][0]
    assert info["mime_type"] == "image/png"
    assert "width" not in info
    assert "has_preview_image" not in info
    assert download(client, token, f"{FILES}/{info['id']}") == b"this is no picture"
    preview = client.get(f"{FILES}/{info['id']}/preview", **bearer(token))
    assert_error(preview, 400, "api.file.get_file_preview.no_preview.app_error")


def test_images_over_the_resolution_limit_are_refused(
    client: Client, token: str, town_square: Channel
) -> None:
    huge = image_bytes("PNG", (8000, 5000), mode="1")  # 40 megapixels, a few KiB of PNG
    response = upload(client, token, town_square.id, ("huge.png", huge))
    assert_error(response, 400, "api.file.upload_file.large_image_detailed.app_error")
    assert not FileInfo.objects.exists()


def test_more_files_than_django_accepts(
    client: Client, token: str, town_square: Channel, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [(f"{n}.txt", b"x") for n in range(3)]
    assert_error(upload(client, token, town_square.id, *files), 400, READ_REQUEST)
    assert not FileInfo.objects.exists()
