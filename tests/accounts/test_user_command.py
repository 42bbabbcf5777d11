from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.accounts.models import Session, User
from tests.helpers import bearer

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def me_status(client: Client, token: str) -> int:
    return client.get("/api/v4/users/me", **bearer(token)).status_code


class TestCreate:
    def test_creates_a_user_who_can_log_in(self, client: Client, admin: User) -> None:
        out = run(
            "create",
            "--username",
            "Carol",
            "--email",
            "carol@example.com",
            "--password",
            "longenough",
            "--first-name",
            "Carol",
        )
        carol = User.objects.get(username="carol")
        assert carol.id in out
        assert carol.roles == "system_user"
        assert carol.first_name == "Carol"
        response = client.post(
            "/api/v4/users/login",
            json.dumps({"login_id": "carol", "password": "longenough"}),
            content_type="application/json",
        )
        assert response.status_code == 200

    def test_system_admin_flag(self, admin: User) -> None:
        run(
            "create",
            "--username",
            "boss",
            "--email",
            "boss@example.com",
            "--password",
            "longenough",
            "--system-admin",
        )
        assert User.objects.get(username="boss").is_system_admin

    @pytest.mark.parametrize(
        ("username", "email", "password", "complaint"),
        [
            ("bad name", "x@example.com", "longenough", "Usernames"),
            ("carol", "not-an-email", "longenough", "email"),
            ("carol", "x@example.com", "short", "at least"),
            ("alice", "x@example.com", "longenough", "already exists"),
        ],
    )
    def test_invalid_input_is_a_command_error(
        self, user: User, username: str, email: str, password: str, complaint: str
    ) -> None:
        args = ("create", "--username", username, "--email", email, "--password", password)
        with pytest.raises(CommandError, match=complaint):
            run(*args)
        assert User.objects.count() == 1

    def test_missing_option_is_a_command_error(self) -> None:
        with pytest.raises(CommandError, match="--password"):
            run("create", "--username", "carol", "--email", "carol@example.com")


class TestList:
    def test_plain_and_json(self, user: User, other_user: User, admin: User) -> None:
        out = run("list")
        assert [line.split()[1] for line in out.splitlines()] == ["alice", "bob", "root"]
        rows = json.loads(run("list", "--json"))
        assert rows[0] == {
            "id": user.id,
            "username": "alice",
            "email": "alice@example.com",
            "roles": "system_user",
            "delete_at": 0,
        }
        assert [row["username"] for row in rows] == ["alice", "bob", "root"]

    def test_filters_by_state(self, user: User, other_user: User) -> None:
        run("deactivate", "bob")
        assert [r["username"] for r in json.loads(run("list", "--json", "--active"))] == ["alice"]
        inactive = json.loads(run("list", "--json", "--inactive"))
        assert [r["username"] for r in inactive] == ["bob"]
        assert inactive[0]["delete_at"] > 0

    def test_active_and_inactive_exclude_each_other(self) -> None:
        with pytest.raises(CommandError):
            run("list", "--active", "--inactive")


class TestActivation:
    def test_deactivation_ends_sessions_and_activation_restores_login(
        self, client: Client, user: User, token: str
    ) -> None:
        assert me_status(client, token) == 200  # the session is cached now
        assert "deactivated" in run("deactivate", "alice")
        user.refresh_from_db()
        assert user.delete_at > 0
        assert not Session.objects.filter(user=user).exists()
        assert me_status(client, token) == 401

        assert "already deactivated" in run("deactivate", user.email)
        assert "now active" in run("activate", user.id)
        user.refresh_from_db()
        assert user.delete_at == 0
        response = client.post(
            "/api/v4/users/login",
            json.dumps({"login_id": "alice", "password": "passw0rd!"}),
            content_type="application/json",
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("action", ["activate", "deactivate"])
    def test_unknown_user(self, user: User, action: str) -> None:
        with pytest.raises(CommandError, match="nobody"):
            run(action, "nobody")


class TestPassword:
    def test_sets_the_password_and_ends_sessions(
        self, client: Client, user: User, token: str
    ) -> None:
        assert me_status(client, token) == 200
        run("password", "alice@example.com", "--password", "a-new-secret")
        user.refresh_from_db()
        assert user.check_password("a-new-secret")
        assert me_status(client, token) == 401

    def test_bad_password_and_unknown_user(self, user: User) -> None:
        with pytest.raises(CommandError, match="at least"):
            run("password", "alice", "--password", "short")
        user.refresh_from_db()
        assert user.check_password("passw0rd!")
        with pytest.raises(CommandError, match="nobody"):
            run("password", "nobody", "--password", "a-new-secret")


def test_an_action_is_required() -> None:
    with pytest.raises(CommandError):
        run()
