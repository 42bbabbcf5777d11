"""Reading files over API v4: a file, its thumbnail, preview, info and public link, a
post's files, the public download outside /api, with Mattermost's headers, who may read
what, and the errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.channels.models import Channel, ChannelMember
from apps.posts.models import FileInfo, Post
from apps.posts.services import post_create, post_delete
from tests.helpers import assert_error, bearer
from tests.posts.file_helpers import FILES, body_of, image_bytes, uploaded_id

pytestmark = pytest.mark.django_db

URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
MISSING_FILE = "app.file_info.get.app_error"
MISSING_POST = "app.post.get.app_error"
LINKS_OFF = "api.file.get_public_link.disabled.app_error"
BAD_LINK = "api.file.get_file.public_invalid.app_error"
UNKNOWN_ID = "q" * 26
PICTURE = image_bytes("PNG", (300, 200))
ROUTES = ("", "/thumbnail", "/preview", "/info", "/link")

Login = Callable[..., tuple[Session, str]]


def get(client: Client, token: str | None, url: str, **headers: str) -> Any:
    auth = bearer(token) if token else {}
    return client.get(url, **auth, **headers)


def attach(author: User, channel: Channel, *file_ids: str) -> Post:
    return post_create(author=author, channel=channel, message="see", file_ids=list(file_ids))


@pytest.fixture
def picture_id(client: Client, token: str, town_square: Channel) -> str:
    return uploaded_id(client, token, town_square.id, "view.png", PICTURE)


# Downloads and their headers


def test_download_headers(client: Client, token: str, town_square: Channel) -> None:
    file_id = uploaded_id(client, token, town_square.id, "notes v2.txt", b"hello")
    response = get(client, token, f"{FILES}/{file_id}")
    assert response.status_code == 200
    assert body_of(response) == b"hello"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    # Anything but pictures, sound and video is downloaded, never shown in the page.
    assert response["Content-Disposition"] == (
        "attachment;filename=\"notes%20v2.txt\"; filename*=UTF-8''notes%20v2.txt"
    )
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == "Frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == "5"
    assert response["Last-Modified"].endswith("GMT")


def test_pictures_show_inline_unless_a_download_is_asked_for(
    client: Client, token: str, picture_id: str
) -> None:
    shown = get(client, token, f"{FILES}/{picture_id}")
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith('inline;filename="view.png"')
    assert body_of(shown) == PICTURE
    for flag in ("1", "true", "T"):
        saved = get(client, token, f"{FILES}/{picture_id}?download={flag}")
        assert saved["Content-Disposition"].startswith('attachment;filename="view.png"')
    assert get(client, token, f"{FILES}/{picture_id}?download=yes")[
        "Content-Disposition"
    ].startswith("inline")
    thumbnail = get(client, token, f"{FILES}/{picture_id}/thumbnail")
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["Content-Disposition"].startswith('inline;filename="view.png"')
    assert body_of(thumbnail)[:2] == b"\xff\xd8"
    preview = get(client, token, f"{FILES}/{picture_id}/preview?download=1")
    assert preview["Content-Disposition"].startswith("attachment")


def test_pages_and_scripts_are_served_as_text(
    client: Client, token: str, town_square: Channel
) -> None:
    for name in ("page.html", "run.js"):
        file_id = uploaded_id(client, token, town_square.id, name, b"<script>alert(1)</script>")
        response = get(client, token, f"{FILES}/{file_id}")
        assert response["Content-Type"] == "text/plain"
        assert response["Content-Disposition"].startswith("attachment")
    odd = uploaded_id(client, token, town_square.id, "blob.zzz", b"\x00\x01")
    assert get(client, token, f"{FILES}/{odd}")["Content-Type"] == "application/octet-stream"


def test_file_info(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str
) -> None:
    response = get(client, token, f"{FILES}/{picture_id}/info")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=2592000, private"
    info = response.json()
    assert (info["id"], info["name"], info["width"], info["height"]) == (
        picture_id,
        "view.png",
        300,
        200,
    )
    assert "post_id" not in info
    post = attach(user, town_square, picture_id)
    assert get(client, token, f"{FILES}/{picture_id}/info").json()["post_id"] == post.id


def test_a_lost_stored_file_is_a_404(
    client: Client, token: str, town_square: Channel, file_store: Path
) -> None:
    file_id = uploaded_id(client, token, town_square.id, "gone.txt", b"bye")
    (file_store / FileInfo.objects.get(pk=file_id).path).unlink()
    assert_error(get(client, token, f"{FILES}/{file_id}"), 404, "api.file.file_reader.app_error")


# Who may read a file


def test_errors_on_every_file_route(
    client: Client, token: str, picture_id: str, mm_config: Any
) -> None:
    mm_config(enable_public_link=True)
    for route in ROUTES:
        assert_error(get(client, token, f"{FILES}/nope{route}"), 400, URL_ERROR)
        assert_error(get(client, token, f"{FILES}/{UNKNOWN_ID}{route}"), 404, MISSING_FILE)
        assert_error(get(client, None, f"{FILES}/{picture_id}{route}"), 401, NO_SESSION)


def test_a_file_in_no_post_is_its_uploaders_alone(
    client: Client, token: str, bob_token: str, admin: User, login: Login, picture_id: str
) -> None:
    admin_token = login(admin)[1]
    for route in ("", "/thumbnail", "/preview", "/info"):
        assert get(client, token, f"{FILES}/{picture_id}{route}").status_code == 200
        # Not even a system admin reads it, as in Mattermost.
        for other in (bob_token, admin_token):
            assert_error(get(client, other, f"{FILES}/{picture_id}{route}"), 403, FORBIDDEN)


def test_a_posted_file_is_for_the_channels_members(
    client: Client,
    user: User,
    bob_token: str,
    eve_token: str,
    other_user: User,
    town_square: Channel,
    picture_id: str,
    mm_config: Any,
) -> None:
    mm_config(enable_public_link=True)
    attach(user, town_square, picture_id)
    for route in ROUTES:
        assert get(client, bob_token, f"{FILES}/{picture_id}{route}").status_code == 200
        assert_error(get(client, eve_token, f"{FILES}/{picture_id}{route}"), 403, FORBIDDEN)
    # In the team but out of the (public) channel: files need read_channel, not just
    # read_public_channel, as in Mattermost.
    ChannelMember.objects.filter(channel=town_square, user=other_user).delete()
    for route in ROUTES:
        assert_error(get(client, bob_token, f"{FILES}/{picture_id}{route}"), 403, FORBIDDEN)


def test_a_file_in_a_private_channel(
    client: Client,
    token: str,
    bob_token: str,
    user: User,
    private_room: Channel,
) -> None:
    file_id = uploaded_id(client, token, private_room.id, "secret.txt", b"psst")
    attach(user, private_room, file_id)
    assert body_of(get(client, token, f"{FILES}/{file_id}")) == b"psst"
    for route in ("", "/info", "/thumbnail"):
        assert_error(get(client, bob_token, f"{FILES}/{file_id}{route}"), 403, FORBIDDEN)


def test_files_of_a_deleted_post_are_gone(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str
) -> None:
    post = attach(user, town_square, picture_id)
    post_delete(post=post, deleter=user)
    for route in ("", "/thumbnail", "/info"):
        assert_error(get(client, token, f"{FILES}/{picture_id}{route}"), 404, MISSING_FILE)


# Public links


def test_public_links_are_off_by_default(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str
) -> None:
    attach(user, town_square, picture_id)
    assert_error(get(client, token, f"{FILES}/{picture_id}/link"), 403, LINKS_OFF)
    assert_error(client.get(f"/files/{picture_id}/public?h=x"), 403, LINKS_OFF)


def test_a_public_link_opens_the_file_without_a_session(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str, mm_config: Any
) -> None:
    mm_config(enable_public_link=True)
    assert_error(
        get(client, token, f"{FILES}/{picture_id}/link"),
        400,
        "api.file.get_public_link.no_post.app_error",
    )
    attach(user, town_square, picture_id)
    response = get(client, token, f"{FILES}/{picture_id}/link")
    assert response.status_code == 200
    link = response.json()["link"]
    assert link.startswith(f"http://testserver/files/{picture_id}/public?h=")
    public = client.get(link.removeprefix("http://testserver"))
    assert public.status_code == 200
    assert body_of(public) == PICTURE
    assert public["Content-Type"] == "image/png"
    assert public["Content-Disposition"].startswith("inline")
    assert client.head(link.removeprefix("http://testserver")).status_code == 200

    mm_config(enable_public_link=True, site_url="https://chat.example.com")
    hashed = get(client, token, f"{FILES}/{picture_id}/link").json()["link"]
    assert hashed == link.replace("http://testserver", "https://chat.example.com")


def test_bad_public_links(
    client: Client, user: User, town_square: Channel, picture_id: str, mm_config: Any
) -> None:
    mm_config(enable_public_link=True)
    attach(user, town_square, picture_id)
    assert_error(client.get(f"/files/{picture_id}/public"), 400, BAD_LINK)
    assert_error(client.get(f"/files/{picture_id}/public?h=forged"), 400, BAD_LINK)
    assert_error(client.get(f"/files/{UNKNOWN_ID}/public?h=x"), 404, MISSING_FILE)
    assert_error(client.get("/files/nope/public?h=x"), 400, URL_ERROR)


def test_a_new_salt_retires_every_link(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str, mm_config: Any
) -> None:
    mm_config(enable_public_link=True, public_link_salt="first-salt")
    attach(user, town_square, picture_id)
    link = get(client, token, f"{FILES}/{picture_id}/link").json()["link"]
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    mm_config(enable_public_link=True, public_link_salt="second-salt")
    assert_error(client.get(path), 400, BAD_LINK)


# GET /posts/{post_id}/files/info


def test_a_posts_files(
    client: Client, token: str, user: User, town_square: Channel, picture_id: str
) -> None:
    notes = uploaded_id(client, token, town_square.id, "notes.txt", b"n")
    post = attach(user, town_square, notes, picture_id)
    url = f"/api/v4/posts/{post.id}/files/info"
    response = get(client, token, url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=2592000, private"
    infos = response.json()
    # Oldest upload first, as Mattermost lists them.
    assert [info["id"] for info in infos] == [picture_id, notes]
    assert {info["post_id"] for info in infos} == {post.id}
    newest = max(FileInfo.objects.filter(post_id=post.id).values_list("update_at", flat=True))
    assert response["ETag"] == f"10.3.0.{post.id}.{newest}"
    again = get(client, token, url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""

    bare = post_create(author=user, channel=town_square, message="no files")
    empty = get(client, token, f"/api/v4/posts/{bare.id}/files/info")
    assert (empty.status_code, empty.json(), empty["ETag"]) == (200, [], "10.3.0")


def test_a_posts_files_errors(
    client: Client,
    token: str,
    eve_token: str,
    admin: User,
    login: Login,
    user: User,
    town_square: Channel,
    picture_id: str,
) -> None:
    post = attach(user, town_square, picture_id)
    url = f"/api/v4/posts/{post.id}/files/info"
    admin_token = login(admin)[1]
    assert_error(get(client, token, "/api/v4/posts/nope/files/info"), 400, URL_ERROR)
    assert_error(get(client, None, url), 401, NO_SESSION)
    assert_error(get(client, eve_token, url), 403, FORBIDDEN)
    missing = f"/api/v4/posts/{UNKNOWN_ID}/files/info"
    assert_error(get(client, token, missing), 403, FORBIDDEN)
    assert_error(get(client, admin_token, missing), 404, MISSING_POST)
    assert_error(get(client, token, f"{url}?include_deleted=true"), 403, FORBIDDEN)

    post_delete(post=post, deleter=user)
    assert_error(get(client, token, url), 404, MISSING_POST)
    kept = get(client, admin_token, f"{url}?include_deleted=true")
    assert kept.status_code == 200
    assert [info["id"] for info in kept.json()] == [picture_id]
    assert kept.json()[0]["delete_at"] > 0
