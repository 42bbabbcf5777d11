"""API v1 changes to users: profile, notifications, activation, roles, password, picture,
sessions."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from PIL import Image

from apps.accounts.models import Session, User
from apps.accounts.services import SESSION_PROP_V1_TEAM
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_member_add
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1_admin(
    client: Client, admin: User, alpha: Team, v1_login: Callable[[User, Team], str]
) -> V1Api:
    """A system admin, member of alpha and logged into it."""
    team_member_add(team=alpha, user=admin)
    return V1Api(client, v1_login(admin, alpha))


class TestUpdate:
    def test_changes_the_fields_sent(self, v1: V1Api, user: User, alpha: Team) -> None:
        sent = v1.get("users/me").json() | {"nickname": "Al", "first_name": "Alicia"}
        response = v1.post("users/update", sent)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["nickname"], body["first_name"], body["team_id"]) == ("Al", "Alicia", alpha.id)
        user.refresh_from_db()
        assert (user.nickname, user.first_name, user.last_name) == ("Al", "Alicia", "Liddell")

    def test_a_new_address_needs_the_password(self, v1: V1Api, user: User) -> None:
        assert_v1_error(v1.post("users/update", {"id": user.id, "email": "new@example.com"}), 400)
        response = v1.post(
            "users/update", {"id": user.id, "email": "new@example.com", "password": "passw0rd!"}
        )
        assert response.json()["email"] == "new@example.com"

    def test_others_need_edit_other_users(self, v1_bob: V1Api, v1_admin: V1Api, user: User) -> None:
        assert_v1_error(v1_bob.post("users/update", {"id": user.id, "nickname": "x"}), 403)
        assert (
            v1_admin.post("users/update", {"id": user.id, "nickname": "x"}).json()["nickname"]
            == "x"
        )

    def test_a_taken_username_is_a_1x_500(self, v1: V1Api, user: User) -> None:
        assert_v1_error(v1.post("users/update", {"id": user.id, "username": "bob"}), 500)

    @pytest.mark.parametrize("body", [{"nickname": "x"}, {"id": "short"}, ["x"]])
    def test_a_user_id_is_needed(self, v1: V1Api, body: object) -> None:
        assert_v1_error(v1.post("users/update", body), 400)

    def test_needs_a_session(self, v1_anon: V1Api, user: User) -> None:
        assert_v1_error(v1_anon.post("users/update", {"id": user.id}), 401)


class TestUpdateNotify:
    def test_stores_the_settings(self, v1: V1Api, user: User) -> None:
        sent = {
            "user_id": user.id,
            "email": "false",
            "desktop": "mention",
            "desktop_sound": "false",
            "mention_keys": "al",
        }
        body = v1.post("users/update_notify", sent).json()
        assert body["notify_props"]["email"] == "false"
        assert body["notify_props"]["mention_keys"] == "al"
        user.refresh_from_db()
        assert user.notify_props["push"] == "mention"  # settings 1.x did not know stay

    @pytest.mark.parametrize("missing", ["email", "desktop", "desktop_sound"])
    def test_the_three_settings_are_needed(self, v1: V1Api, user: User, missing: str) -> None:
        sent = {"user_id": user.id, "email": "true", "desktop": "all", "desktop_sound": "true"}
        del sent[missing]
        assert_v1_error(
            v1.post("users/update_notify", sent),
            400,
            f"The parameter '{missing}' is missing or not valid.",
        )

    def test_others_need_edit_other_users(self, v1_bob: V1Api, user: User) -> None:
        sent = {"user_id": user.id, "email": "true", "desktop": "all", "desktop_sound": "true"}
        assert_v1_error(v1_bob.post("users/update_notify", sent), 403)


class TestUpdateActive:
    def test_an_admin_deactivates_and_reactivates(self, v1_admin: V1Api, other_user: User) -> None:
        body = v1_admin.post(
            "users/update_active", {"user_id": other_user.id, "active": "false"}
        ).json()
        assert body["delete_at"] > 0
        body = v1_admin.post(
            "users/update_active", {"user_id": other_user.id, "active": "true"}
        ).json()
        assert body["delete_at"] == 0

    def test_others_may_not(self, v1: V1Api, other_user: User) -> None:
        assert_v1_error(
            v1.post("users/update_active", {"user_id": other_user.id, "active": "false"}), 403
        )

    def test_deactivating_oneself_follows_the_setting(
        self, v1_bob: V1Api, other_user: User, mm_config
    ) -> None:  # type: ignore[no-untyped-def]
        assert_v1_error(
            v1_bob.post("users/update_active", {"user_id": other_user.id, "active": "false"}), 401
        )
        mm_config(enable_user_deactivation=True)
        response = v1_bob.post("users/update_active", {"user_id": other_user.id, "active": "false"})
        assert response.json()["delete_at"] > 0
        assert_v1_error(v1_bob.get("teams/me"), 401)  # every session ended

    def test_a_user_id_is_needed(self, v1_admin: V1Api) -> None:
        assert_v1_error(v1_admin.post("users/update_active", {"active": "false"}), 400)


class TestUpdateRoles:
    def test_team_admin_makes_and_unmakes_team_admins(
        self, v1: V1Api, other_user: User, alpha: Team
    ) -> None:
        assert (
            v1.post("users/update_roles", {"user_id": other_user.id, "new_roles": "admin"}).json()[
                "roles"
            ]
            == "admin"
        )
        assert TeamMember.objects.get(team=alpha, user=other_user).scheme_admin
        assert (
            v1.post("users/update_roles", {"user_id": other_user.id, "new_roles": ""}).json()[
                "roles"
            ]
            == ""
        )
        assert not TeamMember.objects.get(team=alpha, user=other_user).scheme_admin

    def test_only_system_admins_make_system_admins(
        self, v1: V1Api, v1_admin: V1Api, other_user: User
    ) -> None:
        assert_v1_error(
            v1.post("users/update_roles", {"user_id": other_user.id, "new_roles": "system_admin"}),
            403,
        )
        body = v1_admin.post(
            "users/update_roles", {"user_id": other_user.id, "new_roles": "system_admin"}
        ).json()
        assert body["roles"] == "system_admin"
        other_user.refresh_from_db()
        assert other_user.role_names == ["system_admin", "system_user"]
        v1_admin.post("users/update_roles", {"user_id": other_user.id, "new_roles": ""})
        other_user.refresh_from_db()
        assert other_user.role_names == ["system_user"]

    def test_members_may_not(self, v1_bob: V1Api, user: User) -> None:
        assert_v1_error(
            v1_bob.post("users/update_roles", {"user_id": user.id, "new_roles": ""}), 403
        )

    def test_the_user_must_be_in_the_team(self, v1: V1Api, admin: User) -> None:
        assert_v1_error(v1.post("users/update_roles", {"user_id": admin.id, "new_roles": ""}), 403)

    @pytest.mark.parametrize("roles", ["team_admin", "admin owner"])
    def test_only_1x_roles(self, v1: V1Api, other_user: User, roles: str) -> None:
        response = v1.post("users/update_roles", {"user_id": other_user.id, "new_roles": roles})
        assert_v1_error(response, 400, "The parameter 'new_roles' is missing or not valid.")


class TestNewPassword:
    def body(self, user: User, **changes: str) -> dict[str, str]:
        return {
            "user_id": user.id,
            "current_password": "passw0rd!",
            "new_password": "s3cret-pass",
        } | changes

    def test_changes_it_and_ends_the_other_sessions(
        self, v1: V1Api, user: User, login: Callable[..., tuple[Session, str]], client: Client
    ) -> None:
        _, other_token = login(user)
        assert v1.post("users/newpassword", self.body(user)).json() == {"user_id": user.id}
        user.refresh_from_db()
        assert user.check_password("s3cret-pass")
        assert v1.get("teams/me").status_code == 200
        assert_v1_error(V1Api(client, other_token).get("teams/me"), 401)

    def test_the_current_password_must_be_right(self, v1: V1Api, user: User) -> None:
        assert_v1_error(v1.post("users/newpassword", self.body(user, current_password="nope")), 403)

    def test_only_ones_own(self, v1_bob: V1Api, user: User) -> None:
        assert_v1_error(v1_bob.post("users/newpassword", self.body(user)), 403)

    @pytest.mark.parametrize(
        ("change", "name"),
        [
            ({"user_id": "x"}, "user_id"),
            ({"current_password": ""}, "current_password"),
            ({"new_password": "1234"}, "new_password"),
        ],
    )
    def test_parameters(self, v1: V1Api, user: User, change: dict[str, str], name: str) -> None:
        assert_v1_error(
            v1.post("users/newpassword", self.body(user, **change)),
            400,
            f"The parameter '{name}' is missing or not valid.",
        )

    def test_the_server_minimum_applies(self, v1: V1Api, user: User) -> None:
        assert_v1_error(v1.post("users/newpassword", self.body(user, new_password="short")), 500)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


class TestPictures:
    def test_upload_and_read(
        self, v1: V1Api, v1_bob: V1Api, user: User, settings, tmp_path
    ) -> None:  # type: ignore[no-untyped-def]
        settings.DATA_DIR = tmp_path
        upload = io.BytesIO(png())
        upload.name = "me.png"
        response = v1.client.post(
            "/api/v1/users/newimage", {"image": upload}, HTTP_AUTHORIZATION=f"Bearer {v1.token}"
        )
        assert response.status_code == 200, response.content
        assert response.json() is True
        picture = v1_bob.get(f"users/{user.id}/image")
        assert (picture.status_code, picture["Content-Type"]) == (200, "image/png")
        assert (
            v1_bob.get(f"users/{user.id}/image", HTTP_IF_NONE_MATCH=picture["ETag"]).status_code
            == 304
        )

    def test_a_picture_may_be_larger_than_other_bodies(
        self, v1: V1Api, settings, tmp_path, mm_config
    ) -> None:  # type: ignore[no-untyped-def]
        settings.DATA_DIR = tmp_path
        mm_config(maximum_payload_size_bytes=64)
        upload = io.BytesIO(png())
        upload.name = "me.png"
        response = v1.client.post(
            "/api/v1/users/newimage", {"image": upload}, HTTP_AUTHORIZATION=f"Bearer {v1.token}"
        )
        assert response.status_code == 200, response.content

    def test_upload_needs_an_image(self, v1: V1Api) -> None:
        response = v1.client.post(
            "/api/v1/users/newimage", {}, HTTP_AUTHORIZATION=f"Bearer {v1.token}"
        )
        assert_v1_error(response, 400)

    def test_reading_needs_a_session(self, v1_anon: V1Api, user: User) -> None:
        assert_v1_error(v1_anon.get(f"users/{user.id}/image"), 401)


class TestSessions:
    def test_lists_ones_sessions_without_secrets(self, v1: V1Api, user: User, alpha: Team) -> None:
        sessions = v1.get(f"users/{user.id}/sessions").json()
        assert len(sessions) == 1
        (session,) = sessions
        assert session["token"] == ""
        assert (session["team_id"], session["roles"], session["user_id"]) == (
            alpha.id,
            "admin",
            user.id,
        )
        assert "csrf" not in session["props"]

    def test_others_only_for_system_admins(
        self, v1: V1Api, v1_bob: V1Api, v1_admin: V1Api, user: User
    ) -> None:
        assert_v1_error(v1_bob.get(f"users/{user.id}/sessions"), 403)
        assert len(v1_admin.get(f"users/{user.id}/sessions").json()) == 1

    def test_revoke_one(
        self, v1: V1Api, user: User, login: Callable[..., tuple[Session, str]], client: Client
    ) -> None:
        other, token = login(user, props={SESSION_PROP_V1_TEAM: ""})
        assert v1.post("users/revoke_session", {"id": other.id}).json() == {"id": other.id}
        assert_v1_error(V1Api(client, token).get("teams/me"), 401)

    def test_revoke_needs_an_id_of_ones_own(
        self, v1: V1Api, v1_bob: V1Api, other_user: User
    ) -> None:
        assert_v1_error(
            v1.post("users/revoke_session", {}), 400, "The parameter 'id' is missing or not valid."
        )
        bobs = Session.objects.get(user=other_user)
        assert_v1_error(v1.post("users/revoke_session", {"id": bobs.id}), 400)
        assert_v1_error(v1.post("users/revoke_session", {"id": "z" * 26}), 500)
