from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"


def put(client: Client, path: str, body: object, token: str):
    return client.put(path, json.dumps(body), content_type="application/json", **bearer(token))


def me(client: Client, token: str):
    return client.get("/api/v4/users/me", **bearer(token))


class TestPatch:
    def test_patch_own_profile(
        self, client: Client, user: User, token: str, published, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = put(
                client, "/api/v4/users/me/patch", {"nickname": "Al", "position": "Boss"}, token
            )
        assert response.status_code == 200
        body = response.json()
        assert (body["nickname"], body["position"], body["first_name"]) == ("Al", "Boss", "Alice")
        assert body["update_at"] > user.update_at
        assert me(client, token).json()["nickname"] == "Al"
        assert "user_updated" in [e.event for e in published]

    def test_rename_validates_and_checks_uniqueness(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        assert (
            put(client, "/api/v4/users/me/patch", {"username": "Alicia"}, token).json()["username"]
            == "alicia"
        )
        assert_error(
            put(client, "/api/v4/users/me/patch", {"username": "bob"}, token),
            400,
            "app.user.save.username_exists.app_error",
        )
        assert_error(
            put(client, "/api/v4/users/me/patch", {"username": "no spaces"}, token),
            400,
            "model.user.is_valid.username.app_error",
        )

    def test_own_email_change_needs_the_password(
        self, client: Client, user: User, token: str
    ) -> None:
        path = "/api/v4/users/me/patch"
        assert_error(put(client, path, {"email": "new@example.com"}, token), 400, BODY_ERROR)
        wrong = put(client, path, {"email": "new@example.com", "password": "nope"}, token)
        assert_error(wrong, 401, "api.user.check_user_password.invalid.app_error")
        ok = put(client, path, {"email": "New@Example.com", "password": "passw0rd!"}, token)
        assert ok.json()["email"] == "new@example.com"

    @pytest.mark.parametrize(
        "body",
        [{"nickname": 5}, {"props": "x"}, ["nickname"], {"first_name": "f" * 65}],
    )
    def test_bad_bodies(self, client: Client, token: str, body: object) -> None:
        response = put(client, "/api/v4/users/me/patch", body, token)
        assert response.status_code == 400
        assert response.json()["id"] in (BODY_ERROR, "model.user.is_valid.first_name.app_error")

    def test_others_need_edit_other_users(
        self, client: Client, user: User, other_user: User, login, admin: User
    ) -> None:
        _, bob = login(other_user)
        assert_error(
            put(client, f"/api/v4/users/{user.id}/patch", {"nickname": "x"}, bob), 403, FORBIDDEN
        )
        _, root = login(admin)
        assert (
            put(client, f"/api/v4/users/{user.id}/patch", {"nickname": "x"}, root).status_code
            == 200
        )

    def test_missing_and_bad_ids(self, client: Client, admin: User, login) -> None:
        _, root = login(admin)
        assert_error(
            put(client, f"/api/v4/users/{'q' * 26}/patch", {}, root),
            404,
            "app.user.missing_account.const",
        )
        assert_error(
            put(client, "/api/v4/users/bad/patch", {}, root),
            400,
            "api.context.invalid_url_param.app_error",
        )

    def test_needs_a_session(self, client: Client, user: User) -> None:
        response = client.put(
            f"/api/v4/users/{user.id}/patch", "{}", content_type="application/json"
        )
        assert_error(response, 401, "api.context.session_expired.app_error")


class TestUpdate:
    def test_put_replaces_the_profile(self, client: Client, user: User, token: str) -> None:
        body = {"id": user.id, "username": "alice", "email": "alice@example.com", "nickname": "A"}
        response = put(client, f"/api/v4/users/{user.id}", body, token)
        assert response.status_code == 200
        assert response.json()["nickname"] == "A"
        assert response.json()["first_name"] == ""  # absent from the body: cleared

    def test_body_id_must_match(self, client: Client, user: User, token: str) -> None:
        response = put(client, f"/api/v4/users/{user.id}", {"id": "x" * 26, "nickname": "A"}, token)
        assert_error(response, 400, BODY_ERROR)


class TestDeactivate:
    def test_self_deactivation_is_off_by_default(
        self, client: Client, user: User, token: str
    ) -> None:
        response = client.delete(f"/api/v4/users/{user.id}", **bearer(token))
        assert_error(response, 401, "api.user.update_active.not_enable.app_error")

    def test_self_deactivation_when_allowed(
        self, client: Client, user: User, token: str, mm_config
    ) -> None:
        mm_config(enable_user_deactivation=True)
        assert client.delete("/api/v4/users/me", **bearer(token)).json() == {"status": "OK"}
        assert_error(me(client, token), 401, "api.context.session_expired.app_error")
        assert not Session.objects.filter(user=user).exists()

    def test_admin_deactivates_and_reactivates(
        self, client: Client, user: User, token: str, admin: User, login
    ) -> None:
        _, root = login(admin)
        assert client.delete(f"/api/v4/users/{user.id}", **bearer(root)).status_code == 200
        user.refresh_from_db()
        assert user.delete_at > 0
        assert_error(me(client, token), 401, "api.context.session_expired.app_error")
        assert put(client, f"/api/v4/users/{user.id}/active", {"active": True}, root).json() == {
            "status": "OK"
        }
        user.refresh_from_db()
        assert user.delete_at == 0

    def test_plain_users_cannot_touch_others_or_admins(
        self, client: Client, user: User, other_user: User, admin: User, login
    ) -> None:
        _, bob = login(other_user)
        assert_error(client.delete(f"/api/v4/users/{user.id}", **bearer(bob)), 403, FORBIDDEN)
        response = put(client, f"/api/v4/users/{user.id}/active", {"active": True}, bob)
        assert_error(response, 403, "api.user.update_active.permissions.app_error")

    @pytest.mark.parametrize("body", [{}, {"active": "yes"}, [True]])
    def test_active_needs_a_boolean(
        self, client: Client, user: User, admin: User, login, body: object
    ) -> None:
        _, root = login(admin)
        assert_error(put(client, f"/api/v4/users/{user.id}/active", body, root), 400, BODY_ERROR)


class TestRoles:
    def test_admin_promotes_and_demotes(
        self, client: Client, user: User, token: str, admin: User, login
    ) -> None:
        _, root = login(admin)
        path = f"/api/v4/users/{user.id}/roles"
        assert put(client, path, {"roles": "system_user system_admin"}, root).json() == {
            "status": "OK"
        }
        assert me(client, token).json()["roles"] == "system_user system_admin"
        assert Session.objects.get(user=user).roles == "system_user system_admin"
        assert put(client, path, {"roles": "system_user"}, root).status_code == 200
        assert me(client, token).json()["roles"] == "system_user"

    @pytest.mark.parametrize("roles", ["", "system_admin", "superhero", 5])
    def test_invalid_roles(
        self, client: Client, user: User, admin: User, login, roles: object
    ) -> None:
        _, root = login(admin)
        assert_error(
            put(client, f"/api/v4/users/{user.id}/roles", {"roles": roles}, root), 400, BODY_ERROR
        )

    def test_needs_manage_roles(self, client: Client, user: User, token: str) -> None:
        response = put(
            client, f"/api/v4/users/{user.id}/roles", {"roles": "system_user system_admin"}, token
        )
        assert_error(response, 403, FORBIDDEN)

    def test_unknown_user(self, client: Client, admin: User, login) -> None:
        _, root = login(admin)
        response = put(client, f"/api/v4/users/{'w' * 26}/roles", {"roles": "system_user"}, root)
        assert_error(response, 404, "app.user.missing_account.const")


class TestPassword:
    def test_change_own_password_ends_other_sessions(
        self, client: Client, user: User, login
    ) -> None:
        _, here = login(user)
        _, elsewhere = login(user)
        body = {"current_password": "passw0rd!", "new_password": "n3w-passw0rd"}
        assert put(client, "/api/v4/users/me/password", body, here).json() == {"status": "OK"}
        assert me(client, here).status_code == 200
        assert_error(me(client, elsewhere), 401, "api.context.session_expired.app_error")
        user.refresh_from_db()
        assert user.check_password("n3w-passw0rd")

    def test_wrong_or_missing_current_password(
        self, client: Client, user: User, token: str
    ) -> None:
        wrong = put(
            client,
            "/api/v4/users/me/password",
            {"current_password": "x", "new_password": "n3w-passw0rd"},
            token,
        )
        assert_error(wrong, 400, "api.user.update_password.incorrect.app_error")
        missing = put(client, "/api/v4/users/me/password", {"new_password": "n3w-passw0rd"}, token)
        assert_error(missing, 400, BODY_ERROR)

    def test_new_password_is_validated(self, client: Client, user: User, token: str) -> None:
        body = {"current_password": "passw0rd!", "new_password": "short"}
        assert_error(
            put(client, "/api/v4/users/me/password", body, token),
            400,
            "model.user.is_valid.pwd_min_length.app_error",
        )

    def test_admin_resets_without_the_old_password(
        self, client: Client, user: User, token: str, admin: User, login
    ) -> None:
        _, root = login(admin)
        response = put(
            client, f"/api/v4/users/{user.id}/password", {"new_password": "reset-by-admin"}, root
        )
        assert response.status_code == 200
        assert_error(me(client, token), 401, "api.context.session_expired.app_error")
        user.refresh_from_db()
        assert user.check_password("reset-by-admin")

    def test_others_cannot_reset(self, client: Client, user: User, other_user: User, login) -> None:
        _, bob = login(other_user)
        response = put(
            client, f"/api/v4/users/{user.id}/password", {"new_password": "hijacked!!"}, bob
        )
        assert_error(response, 403, "api.user.update_password.context.app_error")
