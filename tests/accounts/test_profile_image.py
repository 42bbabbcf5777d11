from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from apps.accounts.images import profile_image_path
from apps.accounts.models import User
from apps.accounts.services import user_create
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

USERS = "/api/v4/users"
# Two fixed ids whose generated pictures have different backgrounds.
ID_A = "a" * 26
ID_C = "c" * 26


@pytest.fixture(autouse=True)
def _data_dir(settings: LazySettings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def image_url(user_id: str, suffix: str = "") -> str:
    return f"{USERS}/{user_id}/image{suffix}"


def encoded(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def decoded(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def three_band_jpeg() -> bytes:
    """300x100: blue, red and green thirds, so a centre crop keeps only the red."""
    image = Image.new("RGB", (300, 100), "blue")
    image.paste((255, 0, 0), (100, 0, 200, 100))
    image.paste((0, 255, 0), (200, 0, 300, 100))
    return encoded(image, "JPEG")


def upload(client: Client, user_id: str, token: str, data: bytes, name: str = "me.jpg"):
    return client.post(
        image_url(user_id), {"image": SimpleUploadedFile(name, data)}, **bearer(token)
    )


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb's
    shape, without the bomb)."""
    raw = bytearray(encoded(Image.new("L", (1, 1)), "PNG"))
    header = struct.pack(">II", width, height) + bytes(raw[24:29])
    raw[16:29] = header
    raw[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(raw)


def is_reddish(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green < 60 and blue < 60


class TestGetImage:
    def test_default_picture_headers_and_size(self, client: Client, user: User, token: str) -> None:
        response = client.get(image_url(user.id), **bearer(token))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "max-age=86400, private"
        assert response["ETag"] == "0"
        assert "X-Request-Id" in response
        image = decoded(response)
        assert image.format == "PNG"
        assert image.size == (128, 128)

    def test_default_pictures_differ_by_user_and_are_stable(self, client: Client, login) -> None:
        first = user_create(
            username="ann",
            email="ann@example.com",
            password="passw0rd!",
            roles="system_user",
            id=ID_A,
        )
        user_create(
            username="cid",
            email="cid@example.com",
            password="passw0rd!",
            roles="system_user",
            id=ID_C,
        )
        _, token = login(first)
        own = client.get(image_url(ID_A), **bearer(token))
        other = client.get(image_url(ID_C), **bearer(token))
        again = client.get(image_url(ID_A), **bearer(token))
        assert decoded(own).getpixel((0, 0)) != decoded(other).getpixel((0, 0))
        assert own.content == again.content
        # The initial is drawn in white over the background.
        colours = {colour for _, colour in decoded(own).convert("RGB").getcolors(128 * 128)}
        assert (255, 255, 255) in colours

    def test_default_route_always_gives_the_generated_picture(
        self, client: Client, user: User, token: str
    ) -> None:
        generated = client.get(image_url(user.id, "/default"), **bearer(token))
        assert generated.status_code == 200
        assert generated["Content-Type"] == "image/png"
        assert generated["Cache-Control"] == "max-age=86400, private"
        assert generated.content == client.get(image_url(user.id), **bearer(token)).content
        assert upload(client, user.id, token, three_band_jpeg()).status_code == 200
        after = client.get(image_url(user.id, "/default"), **bearer(token))
        assert after.content == generated.content

    def test_etag_gives_304_until_the_picture_changes(
        self, client: Client, user: User, token: str
    ) -> None:
        unchanged = client.get(image_url("me"), HTTP_IF_NONE_MATCH="0", **bearer(token))
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == "0"
        assert unchanged.content == b""
        assert upload(client, user.id, token, three_band_jpeg()).status_code == 200
        changed = client.get(image_url("me"), HTTP_IF_NONE_MATCH="0", **bearer(token))
        assert changed.status_code == 200
        user.refresh_from_db()
        assert changed["ETag"] == str(user.last_picture_update)

    def test_image_accept_header_is_not_refused(
        self, client: Client, user: User, token: str
    ) -> None:
        response = client.get(image_url(user.id), HTTP_ACCEPT="image/png", **bearer(token))
        assert response.status_code == 200

    def test_cookie_session_may_load_pictures(self, client: Client, user: User, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert client.get(image_url(user.id)).status_code == 200

    def test_other_users_pictures_need_view_members(
        self, client: Client, user: User, other_user: User, login
    ) -> None:
        _, token = login(other_user)
        assert client.get(image_url(user.id), **bearer(token)).status_code == 200
        guest = user_create(
            username="guest", email="g@example.com", password="passw0rd!", roles="system_guest"
        )
        _, guest_token = login(guest)
        for suffix in ("", "/default"):
            assert_error(
                client.get(image_url(user.id, suffix), **bearer(guest_token)),
                403,
                "api.context.permissions.app_error",
            )
        assert client.get(image_url(guest.id), **bearer(guest_token)).status_code == 200

    @pytest.mark.parametrize("suffix", ["", "/default"])
    def test_errors(self, client: Client, user: User, token: str, suffix: str) -> None:
        assert_error(
            client.get(image_url("y" * 26, suffix), **bearer(token)),
            404,
            "app.user.missing_account.const",
        )
        assert_error(
            client.get(image_url("not-an-id", suffix), **bearer(token)),
            400,
            "api.context.invalid_url_param.app_error",
        )
        assert_error(
            client.get(image_url(user.id, suffix)), 401, "api.context.session_expired.app_error"
        )


class TestSetImage:
    def test_upload_round_trip(self, client: Client, user: User, token: str) -> None:
        before = client.get(image_url(user.id), **bearer(token))
        response = upload(client, user.id, token, three_band_jpeg())
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"status": "OK"}

        user.refresh_from_db()
        assert user.last_picture_update > 0
        assert user.update_at >= user.last_picture_update
        assert profile_image_path(user.id).exists()
        after = client.get(image_url(user.id), **bearer(token))
        assert after.status_code == 200
        assert after["Content-Type"] == "image/png"
        assert after["ETag"] == str(user.last_picture_update) != before["ETag"]
        image = decoded(after)
        assert (image.format, image.size) == ("PNG", (128, 128))
        # Centre-cropped: only the red middle third is left, edge to edge.
        for x in (2, 64, 125):
            assert is_reddish(image.getpixel((x, 64))), image.getpixel((x, 64))
        # The cached user record follows the change at once.
        me = client.get(f"{USERS}/me", **bearer(token)).json()
        assert me["last_picture_update"] == user.last_picture_update

    def test_png_with_transparency_and_me(self, client: Client, user: User, token: str) -> None:
        image = Image.new("RGBA", (50, 80), (0, 0, 255, 128))
        assert upload(client, "me", token, encoded(image, "PNG"), "pic.png").status_code == 200
        stored = decoded(client.get(image_url(user.id), **bearer(token)))
        assert stored.size == (128, 128)

    def test_upload_above_the_payload_limit_is_accepted(
        self, client: Client, user: User, token: str
    ) -> None:
        noise = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
        data = encoded(noise, "PNG")
        assert len(data) > 300_000  # MaximumPayloadSizeBytes
        assert upload(client, user.id, token, data, "noise.png").status_code == 200

    def test_oversize_upload_is_refused(
        self, client: Client, user: User, token: str, mm_config
    ) -> None:
        mm_config(max_file_size=2000)
        data = encoded(Image.new("RGB", (10, 10)), "PNG") + b"\0" * 3000
        assert_error(
            upload(client, user.id, token, data, "big.png"),
            413,
            "api.context.request_body_too_large.app_error",
        )
        user.refresh_from_db()
        assert user.last_picture_update == 0

    def test_missing_file(self, client: Client, user: User, token: str) -> None:
        response = client.post(image_url(user.id), {"picture": "nope"}, **bearer(token))
        assert_error(response, 400, "api.user.upload_profile_user.no_file.app_error")

    def test_body_must_be_a_multipart_form(self, client: Client, user: User, token: str) -> None:
        response = client.post(
            image_url(user.id), "{}", content_type="application/json", **bearer(token)
        )
        assert_error(response, 400, "api.user.upload_profile_user.parse.app_error")

    @pytest.mark.parametrize(
        ("data", "error_id"),
        [
            (b"this is not an image", "api.user.upload_profile_user.check_image_limits.app_error"),
            (b"", "api.user.upload_profile_user.check_image_limits.app_error"),
            (
                png_claiming_size(8000, 5000),
                "api.user.upload_profile_user.check_image_limits.app_error",
            ),
            (three_band_jpeg()[:-300], "api.user.upload_profile_user.decode.app_error"),
        ],
        ids=["garbage", "empty", "too-many-pixels", "truncated"],
    )
    def test_unusable_images_are_refused(
        self, client: Client, user: User, token: str, data: bytes, error_id: str
    ) -> None:
        assert_error(upload(client, user.id, token, data), 400, error_id)
        user.refresh_from_db()
        assert user.last_picture_update == 0
        assert not profile_image_path(user.id).exists()

    def test_bad_id_and_no_session(self, client: Client, user: User, token: str) -> None:
        assert_error(
            upload(client, "not-an-id", token, three_band_jpeg()),
            400,
            "api.context.invalid_url_param.app_error",
        )
        assert_error(
            client.post(image_url(user.id), {"image": SimpleUploadedFile("a.jpg", b"x")}),
            401,
            "api.context.session_expired.app_error",
        )

    def test_others_need_edit_other_users(
        self, client: Client, user: User, other_user: User, admin: User, login
    ) -> None:
        _, bob_token = login(other_user)
        assert_error(
            upload(client, user.id, bob_token, three_band_jpeg()),
            403,
            "api.context.permissions.app_error",
        )
        _, admin_token = login(admin)
        assert upload(client, user.id, admin_token, three_band_jpeg()).status_code == 200
        user.refresh_from_db()
        assert user.last_picture_update > 0

    def test_unknown_user_is_a_bad_url_param(self, client: Client, admin: User, login) -> None:
        _, admin_token = login(admin)
        assert_error(
            upload(client, "y" * 26, admin_token, three_band_jpeg()),
            400,
            "api.context.invalid_url_param.app_error",
        )


class TestDeleteImage:
    def test_delete_returns_to_the_default(self, client: Client, user: User, token: str) -> None:
        default = client.get(image_url(user.id), **bearer(token)).content
        assert upload(client, user.id, token, three_band_jpeg()).status_code == 200
        user.refresh_from_db()
        uploaded_etag = str(user.last_picture_update)
        assert client.get(image_url(user.id), **bearer(token)).content != default

        response = client.delete(image_url("me"), **bearer(token))
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        user.refresh_from_db()
        assert user.last_picture_update == 0
        assert not profile_image_path(user.id).exists()
        again = client.get(image_url(user.id), HTTP_IF_NONE_MATCH=uploaded_etag, **bearer(token))
        assert again.status_code == 200
        assert again.content == default
        assert again["ETag"] == "0"

    def test_permissions_and_errors(
        self, client: Client, user: User, other_user: User, admin: User, login
    ) -> None:
        _, bob_token = login(other_user)
        assert_error(
            client.delete(image_url(user.id), **bearer(bob_token)),
            403,
            "api.context.permissions.app_error",
        )
        _, admin_token = login(admin)
        assert client.delete(image_url(user.id), **bearer(admin_token)).status_code == 200
        assert_error(
            client.delete(image_url("y" * 26), **bearer(admin_token)),
            404,
            "app.user.missing_account.const",
        )
        assert_error(
            client.delete(image_url("not-an-id"), **bearer(admin_token)),
            400,
            "api.context.invalid_url_param.app_error",
        )
        assert_error(
            client.delete(image_url(user.id)), 401, "api.context.session_expired.app_error"
        )
