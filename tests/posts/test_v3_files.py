"""Files over API v3: uploading into a team's channel, reading a file, its thumbnail,
preview, info and public link, the public download, a post's files, and files travelling
between v3 and v4 (the same rows and storage)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.channels.models import Channel
from apps.posts.models import FileInfo, Post
from apps.posts.services import post_create
from tests.channels.v3_setup import (
    FORBIDDEN,
    INVALID_PARAM,
    MISSING_POST,
    NO_SESSION,
    UNKNOWN_ID,
    V3World,
    queries_of,
)
from tests.helpers import assert_error, bearer
from tests.posts.file_helpers import body_of, image_bytes, uploaded_id

pytestmark = pytest.mark.django_db

MISSING_FILE = "app.file_info.get.app_error"
PICTURE = image_bytes("PNG", (300, 200))
# model.FileInfo of 4.10, with every field that is left out while empty
FILE_INFO_KEYS = {
    "id",
    "user_id",
    "post_id",
    "create_at",
    "update_at",
    "delete_at",
    "name",
    "extension",
    "size",
    "mime_type",
    "width",
    "height",
    "has_preview_image",
}
ALWAYS = FILE_INFO_KEYS - {"post_id", "width", "height", "has_preview_image"}


def upload(
    v3: V3World,
    who: str | None,
    channel_id: str | None,
    *files: tuple[str, bytes],
    client_ids: list[str] | None = None,
    team_id: str = "",
    **headers: Any,
) -> Any:
    """``POST /teams/{team_id}/files/upload`` as ``who``, a multipart form."""
    data: dict[str, Any] = {}
    if channel_id is not None:
        data["channel_id"] = channel_id
    if client_ids is not None:
        data["client_ids"] = client_ids
    if files:
        data["files"] = [SimpleUploadedFile(name, content) for name, content in files]
    auth = bearer(v3.tokens[who]) if who else {}
    url = f"/api/v3/teams/{team_id or v3.team.id}/files/upload"
    return v3.client.post(url, data=data, **auth, **headers)


def uploaded(v3: V3World, who: str, channel: Channel, name: str, content: bytes) -> str:
    response = upload(v3, who, channel.id, (name, content))
    assert response.status_code == 200, response.content
    file_id: str = response.json()["file_infos"][0]["id"]
    return file_id


def posted(v3: V3World, channel: Channel, *file_ids: str) -> Post:
    """Alice's post in ``channel`` holding the files."""
    return post_create(author=v3.alice, channel=channel, message="see", file_ids=list(file_ids))


def get(v3: V3World, who: str | None, path: str, **headers: Any) -> Any:
    auth = bearer(v3.tokens[who]) if who else {}
    return v3.client.get(f"/api/v3{path}", **auth, **headers)


def assert_file_info(info: dict[str, Any]) -> None:
    assert ALWAYS <= set(info) <= FILE_INFO_KEYS, set(info) ^ FILE_INFO_KEYS


# Uploading


class TestUpload:
    def test_files_and_client_ids(self, v3: V3World) -> None:
        response = upload(
            v3,
            "alice",
            v3.dev.id,
            ("notes.txt", b"hello"),
            ("view.png", PICTURE),
            client_ids=["a", "b"],
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert list(body) == ["file_infos", "client_ids"]
        assert body["client_ids"] == ["a", "b"]
        notes, view = body["file_infos"]
        for info in (notes, view):
            assert_file_info(info)
            assert info["user_id"] == v3.alice.id
        assert (notes["name"], notes["extension"], notes["size"]) == ("notes.txt", "txt", 5)
        assert notes["mime_type"] == "text/plain; charset=utf-8"
        assert set(notes) == ALWAYS  # no post yet, no picture
        assert (view["width"], view["height"], view["has_preview_image"]) == (300, 200, True)
        assert list(view)[:3] == ["id", "user_id", "create_at"]  # 4.10's field order
        stored = FileInfo.objects.get(pk=notes["id"])
        assert (stored.channel_id, stored.post_id) == (v3.dev.id, "")

    def test_without_client_ids(self, v3: V3World) -> None:
        body = upload(v3, "bob", v3.dev.id, ("a.txt", b"a")).json()
        assert body["client_ids"] == []
        assert len(body["file_infos"]) == 1

    def test_a_form_without_files_uploads_nothing(self, v3: V3World) -> None:
        response = upload(v3, "alice", v3.dev.id)
        assert response.json() == {"file_infos": [], "client_ids": []}
        assert not FileInfo.objects.exists()

    def test_needs_a_session_and_the_script_header_for_the_cookie(self, v3: V3World) -> None:
        assert_error(upload(v3, None, v3.dev.id, ("a.txt", b"a")), 401, NO_SESSION)
        v3.client.cookies["MMAUTHTOKEN"] = v3.tokens["alice"]
        assert_error(upload(v3, None, v3.dev.id, ("a.txt", b"a")), 401, NO_SESSION)
        xhr = upload(v3, None, v3.dev.id, ("a.txt", b"a"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert xhr.status_code == 200

    def test_the_team_must_be_the_callers(self, v3: V3World) -> None:
        assert_error(upload(v3, "carol", v3.dev.id, ("a.txt", b"a")), 403, FORBIDDEN)
        # bob is not in beta, where the channel does not belong either
        beta = upload(v3, "bob", v3.dev.id, ("a.txt", b"a"), team_id=v3.beta.id)
        assert_error(beta, 403, FORBIDDEN)

    def test_the_channel_needs_upload_file(self, v3: V3World) -> None:
        # bob is not in the private channel, and nobody may upload to an unknown one
        assert_error(upload(v3, "bob", v3.secret.id, ("a.txt", b"a")), 403, FORBIDDEN)
        assert_error(upload(v3, "alice", UNKNOWN_ID, ("a.txt", b"a")), 403, FORBIDDEN)
        assert_error(upload(v3, "alice", "short", ("a.txt", b"a")), 403, FORBIDDEN)
        assert not FileInfo.objects.exists()

    def test_bad_requests(self, v3: V3World) -> None:
        assert_error(upload(v3, "alice", None, ("a.txt", b"a")), 400, INVALID_PARAM)
        uneven = upload(v3, "alice", v3.dev.id, ("a.txt", b"a"), client_ids=["x", "y"])
        assert_error(uneven, 400, "api.file.upload_file.incorrect_number_of_files.app_error")
        as_json = v3.client.post(
            f"/api/v3/teams/{v3.team.id}/files/upload",
            json.dumps({"channel_id": v3.dev.id}),
            content_type="application/json",
            **bearer(v3.tokens["alice"]),
        )
        assert_error(as_json, 400, "api.file.upload_file.read_request.app_error")
        short = upload(v3, "alice", v3.dev.id, ("a.txt", b"a"), team_id="short")
        assert_error(short, 400, "api.context.invalid_url_param.app_error")
        assert not FileInfo.objects.exists()

    def test_switched_off(self, v3: V3World, mm_config: Any) -> None:
        mm_config(enable_file_attachments=False)
        response = upload(v3, "alice", v3.dev.id, ("a.txt", b"a"))
        assert_error(response, 501, "api.file.attachments.disabled.app_error")

    def test_the_file_size_limit(self, v3: V3World, mm_config: Any) -> None:
        # Larger than an ordinary request may be, up to MaxFileSize ...
        mm_config(maximum_payload_size_bytes=1000, max_file_size=5000)
        assert upload(v3, "alice", v3.dev.id, ("ok.bin", b"x" * 3000)).status_code == 200
        # ... and not beyond it.
        big = upload(v3, "alice", v3.dev.id, ("big.bin", b"x" * 5001))
        assert_error(big, 413, "api.context.request_body_too_large.app_error")
        assert FileInfo.objects.count() == 1


# Reading a file


class TestRead:
    def test_download_thumbnail_and_preview(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "view.png", PICTURE)
        response = get(v3, "alice", f"/files/{file_id}/get")
        assert response.status_code == 200
        assert body_of(response) == PICTURE
        assert response["Content-Type"] == "image/png"
        # 4.10 always sent files as downloads
        assert response["Content-Disposition"].startswith('attachment;filename="view.png"')
        assert response["X-Frame-Options"] == "DENY"
        for route in ("get_thumbnail", "get_preview"):
            rendition = get(v3, "alice", f"/files/{file_id}/{route}")
            assert rendition["Content-Type"] == "image/jpeg"
            assert body_of(rendition)[:2] == b"\xff\xd8"

    def test_a_page_may_load_them_with_the_cookie_alone(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        v3.client.cookies["MMAUTHTOKEN"] = v3.tokens["alice"]
        assert body_of(get(v3, None, f"/files/{file_id}/get")) == b"hello"
        # the file's info is for scripts: there the cookie needs the script header
        assert_error(get(v3, None, f"/files/{file_id}/get_info"), 401, NO_SESSION)

    def test_no_renditions_for_other_files(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        thumbnail = get(v3, "alice", f"/files/{file_id}/get_thumbnail")
        assert_error(thumbnail, 400, "api.file.get_file_thumbnail.no_thumbnail.app_error")
        preview = get(v3, "alice", f"/files/{file_id}/get_preview")
        assert_error(preview, 400, "api.file.get_file_preview.no_preview.app_error")

    def test_info(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "view.png", PICTURE)
        response = get(v3, "alice", f"/files/{file_id}/get_info")
        assert response["Cache-Control"] == "max-age=2592000, private"
        info = response.json()
        assert_file_info(info)
        assert "post_id" not in info
        post = posted(v3, v3.dev, file_id)
        assert get(v3, "alice", f"/files/{file_id}/get_info").json()["post_id"] == post.id

    def test_who_may_read(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        routes = ("get", "get_info")
        for route in routes:
            # in no post yet: only its uploader
            assert_error(get(v3, "bob", f"/files/{file_id}/{route}"), 403, FORBIDDEN)
        posted(v3, v3.dev, file_id)
        for route in routes:
            assert get(v3, "bob", f"/files/{file_id}/{route}").status_code == 200
            assert_error(get(v3, "carol", f"/files/{file_id}/{route}"), 403, FORBIDDEN)
            assert get(v3, "dana", f"/files/{file_id}/{route}").status_code == 200

    @pytest.mark.parametrize(
        "route", ["get", "get_thumbnail", "get_preview", "get_info", "get_public_link"]
    )
    def test_errors(self, v3: V3World, route: str, mm_config: Any) -> None:
        mm_config(enable_public_link=True)
        assert_error(get(v3, "alice", f"/files/short/{route}"), 400, INVALID_PARAM)
        assert_error(get(v3, "alice", f"/files/{UNKNOWN_ID}/{route}"), 404, MISSING_FILE)
        assert_error(get(v3, None, f"/files/{UNKNOWN_ID}/{route}"), 401, NO_SESSION)
        assert get(v3, "alice", f"/files/{UNKNOWN_ID}/{route}/").status_code == 404

    def test_a_deleted_post_takes_its_files_along(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        post = posted(v3, v3.dev, file_id)
        path = f"{v3.of(v3.dev)}/posts/{post.id}/delete"
        assert v3.api("alice").post(path).status_code == 200
        assert_error(get(v3, "alice", f"/files/{file_id}/get"), 404, MISSING_FILE)


# Public links


class TestPublicLinks:
    def test_link_and_anonymous_download(self, v3: V3World, mm_config: Any) -> None:
        mm_config(enable_public_link=True, site_url="https://chat.example.com")
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        posted(v3, v3.dev, file_id)
        response = get(v3, "bob", f"/files/{file_id}/get_public_link")
        assert response.status_code == 200
        link = response.json()
        prefix = f"https://chat.example.com/api/v3/public/files/{file_id}/get?h="
        assert link.startswith(prefix)
        download = v3.client.get(link.removeprefix("https://chat.example.com"))
        assert download.status_code == 200
        assert body_of(download) == b"hello"
        assert download["Content-Disposition"].startswith("attachment")

    def test_only_for_a_file_in_a_post(self, v3: V3World, mm_config: Any) -> None:
        mm_config(enable_public_link=True)
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        response = get(v3, "alice", f"/files/{file_id}/get_public_link")
        assert_error(response, 400, "api.file.get_public_link.no_post.app_error")

    def test_switched_off(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        posted(v3, v3.dev, file_id)
        response = get(v3, "alice", f"/files/{file_id}/get_public_link")
        assert_error(response, 501, "api.file.get_public_link.disabled.app_error")
        download = get(v3, None, f"/public/files/{file_id}/get?h=whatever")
        assert_error(download, 501, "api.file.get_file.public_disabled.app_error")

    def test_bad_public_downloads(self, v3: V3World, mm_config: Any) -> None:
        mm_config(enable_public_link=True)
        file_id = uploaded(v3, "alice", v3.dev, "notes.txt", b"hello")
        posted(v3, v3.dev, file_id)
        invalid = "api.file.get_file.public_invalid.app_error"
        assert_error(get(v3, None, f"/public/files/{file_id}/get"), 400, invalid)
        assert_error(get(v3, None, f"/public/files/{file_id}/get?h=wrong"), 400, invalid)
        unknown = get(v3, None, f"/public/files/{UNKNOWN_ID}/get?h=x")
        assert_error(unknown, 404, MISSING_FILE)
        assert_error(get(v3, None, "/public/files/short/get?h=x"), 400, INVALID_PARAM)


# A post's files


class TestPostFileInfos:
    def path(self, v3: V3World, post: Post, channel: Channel | None = None) -> str:
        return f"{v3.of(channel or v3.dev)}/posts/{post.id}/get_file_infos"

    def test_the_files_of_a_post_with_an_etag(self, v3: V3World) -> None:
        first = uploaded(v3, "alice", v3.dev, "a.txt", b"a")
        second = uploaded(v3, "alice", v3.dev, "view.png", PICTURE)
        post = posted(v3, v3.dev, first, second)
        api = v3.api("bob")
        response = api.get(self.path(v3, post))
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=2592000, private"
        infos = response.json()
        assert [info["id"] for info in infos] == [first, second]
        for info in infos:
            assert_file_info(info)
            assert info["post_id"] == post.id
        again = api.get(self.path(v3, post), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_a_post_without_files(self, v3: V3World) -> None:
        post = posted(v3, v3.dev)
        response = v3.api("bob").get(self.path(v3, post))
        assert response.json() == []
        assert response["ETag"]
        assert not response.has_header("Cache-Control")

    def test_errors(self, v3: V3World) -> None:
        post = posted(v3, v3.dev)
        secret_post = posted(v3, v3.secret)
        assert_error(v3.api(None).get(self.path(v3, post)), 401, NO_SESSION)
        assert_error(v3.api("carol").get(self.path(v3, post)), 403, FORBIDDEN)
        assert_error(v3.api("bob").get(self.path(v3, secret_post, v3.secret)), 403, FORBIDDEN)
        # a post of another channel than the URL's is not found there
        assert_error(v3.api("alice").get(self.path(v3, secret_post)), 404, MISSING_POST)
        unknown = f"{v3.of(v3.dev)}/posts/{UNKNOWN_ID}/get_file_infos"
        assert_error(v3.api("bob").get(unknown), 404, MISSING_POST)
        short = f"{v3.of(v3.dev)}/posts/short/get_file_infos"
        assert_error(v3.api("bob").get(short), 400, INVALID_PARAM)

    def test_same_queries_for_one_file_as_for_many(self, v3: V3World) -> None:
        api = v3.api("bob")
        one = posted(v3, v3.dev, uploaded(v3, "alice", v3.dev, "a.txt", b"a"))
        many = posted(
            v3, v3.dev, *(uploaded(v3, "alice", v3.dev, f"{n}.txt", b"n") for n in range(8))
        )
        api.get(self.path(v3, one))  # warm the session cache
        assert queries_of(lambda: api.get(self.path(v3, one))) == queries_of(
            lambda: api.get(self.path(v3, many))
        )


# Posts with files, across API versions


class TestPostsWithFiles:
    def test_a_post_created_through_v3_takes_its_files(self, v3: V3World) -> None:
        file_id = uploaded(v3, "bob", v3.dev, "a.txt", b"a")
        body = {"channel_id": v3.dev.id, "message": "here", "file_ids": [file_id]}
        response = v3.api("bob").post(f"{v3.of(v3.dev)}/posts/create", body)
        assert response.status_code == 200
        post = response.json()
        assert post["file_ids"] == [file_id]
        assert FileInfo.objects.get(pk=file_id).post_id == post["id"]
        # the post as v4 sees it, with its files
        v4_post = v3.client.get(f"/api/v4/posts/{post['id']}", **bearer(v3.tokens["alice"]))
        assert [f["id"] for f in v4_post.json()["metadata"]["files"]] == [file_id]

    def test_files_of_others_are_not_taken(self, v3: V3World) -> None:
        alices = uploaded(v3, "alice", v3.dev, "a.txt", b"a")
        body = {"channel_id": v3.dev.id, "message": "mine?", "file_ids": [alices]}
        post = v3.api("bob").post(f"{v3.of(v3.dev)}/posts/create", body).json()
        assert "file_ids" not in post
        assert FileInfo.objects.get(pk=alices).post_id == ""

    def test_an_update_through_v3_keeps_the_files(self, v3: V3World) -> None:
        kept = uploaded(v3, "alice", v3.dev, "a.txt", b"a")
        other = uploaded(v3, "alice", v3.dev, "b.txt", b"b")
        post = posted(v3, v3.dev, kept)
        body = {"id": post.id, "channel_id": v3.dev.id, "message": "edited", "file_ids": [other]}
        updated = v3.api("alice").post(f"{v3.of(v3.dev)}/posts/update", body).json()
        # 4.10's update changes the message only
        assert (updated["message"], updated["file_ids"]) == ("edited", [kept])
        assert FileInfo.objects.get(pk=other).post_id == ""

    def test_uploaded_through_v3_read_through_v4(self, v3: V3World) -> None:
        file_id = uploaded(v3, "alice", v3.dev, "view.png", PICTURE)
        post = posted(v3, v3.dev, file_id)
        auth = bearer(v3.tokens["bob"])
        assert body_of(v3.client.get(f"/api/v4/files/{file_id}", **auth)) == PICTURE
        v4_infos = v3.client.get(f"/api/v4/posts/{post.id}/files/info", **auth).json()
        assert [info["id"] for info in v4_infos] == [file_id]
        assert v4_infos[0]["channel_id"] == v3.dev.id  # v4's shape has what v3's lacks

    def test_uploaded_through_v4_read_through_v3(self, v3: V3World) -> None:
        file_id = uploaded_id(v3.client, v3.tokens["bob"], v3.dev.id, "notes.txt", b"hello")
        assert body_of(get(v3, "bob", f"/files/{file_id}/get")) == b"hello"
        info = get(v3, "bob", f"/files/{file_id}/get_info").json()
        assert_file_info(info)
        assert (info["id"], info["size"]) == (file_id, 5)
