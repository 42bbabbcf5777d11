"""API v3: changing users (profile, notifications, activation, password, roles, picture)
and their sessions."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from apps.accounts.models import Session, User
from tests.helpers import assert_error, bearer
from tests.helpers_v3 import FORBIDDEN, INVALID_PARAM, MISSING_USER, NO_SESSION, UNKNOWN_ID, v3

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


def me(client: Client, token: str) -> dict[str, object]:
    body: dict[str, object] = v3(client, "get", "/users/me", token).json()
    return body


class TestUpdate:
    URL = "/users/update"

    def test_changes_the_profile_fields_sent(self, client: Client, user: User, token: str) -> None:
        mine = me(client, token)
        response = v3(client, "post", self.URL, token, {**mine, "nickname": "Al", "roles": "x"})
        assert response.status_code == 200
        assert response.json()["nickname"] == "Al"
        user.refresh_from_db()
        assert (user.nickname, user.roles, user.first_name) == ("Al", "system_user", "Alice")

    def test_notification_settings_only_v4_knows_are_hidden_and_kept(
        self, client: Client, user: User, token: str
    ) -> None:
        mine = me(client, token)
        assert set(mine["notify_props"]) >= {"desktop", "email", "push", "mention_keys"}
        assert not {"desktop_threads", "email_threads", "push_threads"} & set(mine["notify_props"])
        mine["notify_props"]["desktop"] = "none"
        response = v3(client, "post", self.URL, token, mine)
        assert response.json()["notify_props"]["desktop"] == "none"
        user.refresh_from_db()
        assert user.notify_props["desktop"] == "none"
        assert user.notify_props["push_threads"] == "all"

    def test_a_change_made_here_is_read_through_v4(
        self, client: Client, user: User, token: str
    ) -> None:
        v3(client, "post", self.URL, token, {"id": user.id, "position": "Chief"})
        assert client.get("/api/v4/users/me", **bearer(token)).json()["position"] == "Chief"

    def test_a_change_made_through_v4_is_read_here(
        self, client: Client, user: User, token: str
    ) -> None:
        client.put(
            "/api/v4/users/me/patch",
            json.dumps({"nickname": "From v4"}),
            content_type="application/json",
            **bearer(token),
        )
        assert me(client, token)["nickname"] == "From v4"

    def test_someone_else_needs_edit_other_users(
        self, client: Client, other_user: User, token: str, admin_token: str
    ) -> None:
        body = {"id": other_user.id, "nickname": "B"}
        assert_error(v3(client, "post", self.URL, token, body), 403, FORBIDDEN)
        assert v3(client, "post", self.URL, admin_token, body).json()["nickname"] == "B"

    def test_an_unknown_user_is_a_404_for_admins(self, client: Client, admin_token: str) -> None:
        body = {"id": UNKNOWN_ID, "nickname": "B"}
        assert_error(v3(client, "post", self.URL, admin_token, body), 404, MISSING_USER)

    def test_a_taken_username_is_a_400(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        body = {"id": user.id, "username": "bob"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            400,
            "store.sql_user.save.username_exists.app_error",
        )

    def test_a_new_own_email_needs_the_password(
        self, client: Client, user: User, token: str
    ) -> None:
        body = {"id": user.id, "email": "new@example.com"}
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)
        with_password = {**body, "password": "passw0rd!"}
        assert v3(client, "post", self.URL, token, with_password).json()["email"] == (
            "new@example.com"
        )

    @pytest.mark.parametrize("body", [{"id": 5}, {"nickname": ["x"]}, []])
    def test_a_body_that_is_no_user_is_a_400(
        self, client: Client, token: str, body: object
    ) -> None:
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)

    def test_needs_a_session(self, client: Client, user: User) -> None:
        assert_error(v3(client, "post", self.URL, body={"id": user.id}), 401, NO_SESSION)


class TestUpdateActive:
    URL = "/users/update_active"

    def test_admins_deactivate_and_reactivate(
        self, client: Client, other_user: User, admin_token: str
    ) -> None:
        body = {"user_id": other_user.id, "active": "false"}
        response = v3(client, "post", self.URL, admin_token, body)
        assert response.status_code == 200
        assert response.json()["delete_at"] > 0
        body = {"user_id": other_user.id, "active": "true"}
        assert v3(client, "post", self.URL, admin_token, body).json()["delete_at"] == 0

    def test_users_may_not_change_others(
        self, client: Client, other_user: User, token: str
    ) -> None:
        body = {"user_id": other_user.id, "active": "false"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            403,
            "api.user.update_active.permissions.app_error",
        )

    def test_self_deactivation_follows_the_setting(
        self, client: Client, user: User, token: str, mm_config: Callable[..., None]
    ) -> None:
        body = {"user_id": user.id, "active": "false"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            401,
            "api.user.update_active.not_enable.app_error",
        )
        mm_config(enable_user_deactivation=True)
        assert v3(client, "post", self.URL, token, body).status_code == 200
        assert_error(v3(client, "get", "/users/me", token), 401, NO_SESSION)

    @pytest.mark.parametrize("body", [{"user_id": "abc", "active": "true"}, {"active": True}])
    def test_a_bad_user_id_is_a_400(self, client: Client, admin_token: str, body: object) -> None:
        assert_error(v3(client, "post", self.URL, admin_token, body), 400, INVALID_PARAM)

    def test_an_unknown_user_is_a_404(self, client: Client, admin_token: str) -> None:
        body = {"user_id": UNKNOWN_ID, "active": "false"}
        assert_error(v3(client, "post", self.URL, admin_token, body), 404, MISSING_USER)


class TestUpdateNotify:
    URL = "/users/update_notify"

    def body(self, user: User, **changes: str) -> dict[str, str]:
        values = {"email": "false", "desktop": "all", "desktop_sound": "false", "comments": "any"}
        return {"user_id": user.id, **values, **changes}

    def test_replaces_the_settings_sent_and_keeps_the_rest(
        self, client: Client, user: User, token: str
    ) -> None:
        response = v3(client, "post", self.URL, token, self.body(user))
        assert response.status_code == 200
        props = response.json()["notify_props"]
        assert (props["desktop"], props["comments"]) == ("all", "any")
        assert "last_password_update" not in response.json()
        # A setting only v4 knows is not shown here, and it survives.
        assert "push_threads" not in props
        user.refresh_from_db()
        assert user.notify_props["push_threads"] == "all"

    @pytest.mark.parametrize("missing", ["email", "desktop", "desktop_sound", "comments"])
    def test_each_required_setting(
        self, client: Client, user: User, token: str, missing: str
    ) -> None:
        body = self.body(user)
        del body[missing]
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)

    def test_non_string_values_empty_the_body(self, client: Client, user: User, token: str) -> None:
        body = {**self.body(user), "push": True}
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)

    def test_someone_elses_needs_edit_other_users(
        self, client: Client, other_user: User, token: str
    ) -> None:
        assert_error(v3(client, "post", self.URL, token, self.body(other_user)), 403, FORBIDDEN)


class TestNewPassword:
    URL = "/users/newpassword"

    def test_changes_it_and_ends_the_other_sessions(
        self, client: Client, user: User, token: str, login: Callable[..., tuple[Session, str]]
    ) -> None:
        _, other_session = login(user)
        body = {"user_id": user.id, "current_password": "passw0rd!", "new_password": "n3w-pass!"}
        response = v3(client, "post", self.URL, token, body)
        assert response.status_code == 200
        assert response.json() == {"user_id": user.id}
        user.refresh_from_db()
        assert user.check_password("n3w-pass!")
        assert v3(client, "get", "/users/me", token).status_code == 200
        assert_error(v3(client, "get", "/users/me", other_session), 401, NO_SESSION)

    def test_a_wrong_current_password_is_a_400(
        self, client: Client, user: User, token: str
    ) -> None:
        body = {"user_id": user.id, "current_password": "nope", "new_password": "n3w-pass!"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            400,
            "api.user.update_password.incorrect.app_error",
        )

    def test_only_ones_own(self, client: Client, other_user: User, token: str) -> None:
        body = {"user_id": other_user.id, "current_password": "x", "new_password": "n3w-pass!"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            403,
            "api.user.update_password.context.app_error",
        )

    @pytest.mark.parametrize(
        "body", [{"user_id": "short", "current_password": "x"}, {"new_password": "n3w-pass!"}]
    )
    def test_missing_fields_are_a_400(
        self, client: Client, user: User, token: str, body: dict[str, str]
    ) -> None:
        if "user_id" not in body:
            body = {**body, "user_id": user.id}
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)


class TestUpdateRoles:
    def url(self, user: User) -> str:
        return f"/users/{user.id}/update_roles"

    def test_admins_set_system_roles(
        self, client: Client, other_user: User, admin_token: str
    ) -> None:
        body = {"new_roles": "system_user system_admin"}
        response = v3(client, "post", self.url(other_user), admin_token, body)
        assert response.json() == {"status": "ok"}
        other_user.refresh_from_db()
        assert other_user.is_system_admin

    def test_others_may_not(self, client: Client, other_user: User, token: str) -> None:
        body = {"new_roles": "system_user"}
        assert_error(v3(client, "post", self.url(other_user), token, body), 403, FORBIDDEN)

    @pytest.mark.parametrize("roles", ["system_admin", "wizard", ""])
    def test_invalid_roles_are_a_400(
        self, client: Client, other_user: User, admin_token: str, roles: str
    ) -> None:
        body = {"new_roles": roles}
        assert_error(
            v3(client, "post", self.url(other_user), admin_token, body), 400, INVALID_PARAM
        )

    def test_an_unknown_user_is_a_404(self, client: Client, admin_token: str) -> None:
        url = f"/users/{UNKNOWN_ID}/update_roles"
        body = {"new_roles": "system_user"}
        assert_error(v3(client, "post", url, admin_token, body), 404, MISSING_USER)


class TestProfileImage:
    @pytest.fixture(autouse=True)
    def _data_dir(self, settings: LazySettings, tmp_path: Path) -> None:
        settings.DATA_DIR = tmp_path

    def png(self) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (40, 20), (10, 200, 30)).save(out, format="PNG")
        return out.getvalue()

    def test_upload_answers_true_and_changes_the_picture(
        self, client: Client, user: User, token: str
    ) -> None:
        before = v3(client, "get", f"/users/{user.id}/image", token).content
        upload = SimpleUploadedFile("me.png", self.png(), content_type="image/png")
        response = client.post("/api/v3/users/newimage", {"image": upload}, **bearer(token))
        assert response.status_code == 200
        assert response.json() is True
        after = v3(client, "get", f"/users/{user.id}/image", token)
        assert after["Content-Type"] == "image/png"
        assert after.content != before
        user.refresh_from_db()
        assert after["ETag"] == str(user.last_picture_update)

    def test_upload_without_an_image_is_a_400(self, client: Client, token: str) -> None:
        response = client.post("/api/v3/users/newimage", {"other": "x"}, **bearer(token))
        assert_error(response, 400, "api.user.upload_profile_user.no_file.app_error")

    def test_a_page_may_load_it_with_the_cookie_alone(
        self, client: Client, other_user: User, token: str
    ) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        response = v3(client, "get", f"/users/{other_user.id}/image")
        assert response.status_code == 200
        again = v3(client, "get", f"/users/{other_user.id}/image", HTTP_IF_NONE_MATCH="0")
        assert again.status_code == 304

    def test_errors(self, client: Client, token: str) -> None:
        assert_error(v3(client, "get", f"/users/{UNKNOWN_ID}/image"), 401, NO_SESSION)
        assert_error(v3(client, "get", f"/users/{UNKNOWN_ID}/image", token), 404, MISSING_USER)


class TestSessions:
    def test_lists_ones_own_sessions_without_tokens(
        self, client: Client, user: User, token: str
    ) -> None:
        response = v3(client, "get", f"/users/{user.id}/sessions", token)
        (session,) = response.json()
        assert session["token"] == ""
        assert session["user_id"] == user.id
        assert session["team_members"] is None
        assert token not in response.content.decode()

    def test_someone_elses_need_edit_other_users(
        self, client: Client, other_user: User, token: str
    ) -> None:
        url = f"/users/{other_user.id}/sessions"
        assert_error(v3(client, "get", url, token), 403, FORBIDDEN)

    def test_revoke_one_of_ones_sessions(
        self, client: Client, user: User, token: str, login: Callable[..., tuple[Session, str]]
    ) -> None:
        other_session, other_token = login(user)
        response = v3(client, "post", "/users/revoke_session", token, {"id": other_session.id})
        assert response.json() == {"id": other_session.id}
        assert_error(v3(client, "get", "/users/me", other_token), 401, NO_SESSION)

    def test_revoking_someone_elses_is_forbidden(
        self, client: Client, other_user: User, token: str, bob_token: str
    ) -> None:
        session = Session.objects.get(user=other_user)
        body = {"id": session.id}
        assert_error(v3(client, "post", "/users/revoke_session", token, body), 403, FORBIDDEN)
        assert v3(client, "get", "/users/me", bob_token).status_code == 200

    def test_revoking_an_unknown_session_is_a_400(self, client: Client, token: str) -> None:
        body = {"id": UNKNOWN_ID}
        response = v3(client, "post", "/users/revoke_session", token, body)
        assert_error(response, 400, "app.session.get.app_error")

    def test_attach_device_ends_older_sessions_on_that_device(
        self, client: Client, user: User, token: str, login: Callable[..., tuple[Session, str]]
    ) -> None:
        _, old_token = login(user, device_id="android:abc")
        body = {"device_id": "android:abc"}
        response = v3(client, "post", "/users/attach_device", token, body)
        assert response.json() == body
        assert Session.objects.get(user=user).device_id == "android:abc"
        assert_error(v3(client, "get", "/users/me", old_token), 401, NO_SESSION)

    @pytest.mark.parametrize("body", [{}, {"device_id": "x" * 600}, {"device_id": 5}])
    def test_attach_device_needs_a_device_id(
        self, client: Client, token: str, body: object
    ) -> None:
        assert_error(v3(client, "post", "/users/attach_device", token, body), 400, INVALID_PARAM)
