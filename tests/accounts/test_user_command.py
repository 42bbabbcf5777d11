from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.accounts.models import Session, User
from tests.helpers import bearer, command_line

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


class TestRole:
    def test_promote_and_demote(self, client: Client, user: User, token: str) -> None:
        assert me_status(client, token) == 200  # the session is cached now
        out = run("role", "alice", "system_admin", "system_user", "system_admin")
        assert out == "alice now has the roles: system_admin system_user\n"
        me = client.get("/api/v4/users/me", **bearer(token)).json()
        assert me["roles"] == "system_admin system_user"  # the session follows at once
        run("role", "alice@example.com", "system_user")
        user.refresh_from_db()
        assert user.roles == "system_user"

    @pytest.mark.parametrize(
        "roles", [("system_admin",), ("system_user", "team_admin"), ("superuser",)]
    )
    def test_bad_roles_change_nothing(self, user: User, roles: tuple[str, ...]) -> None:
        with pytest.raises(CommandError, match="are not system roles"):
            run("role", "alice", *roles)
        user.refresh_from_db()
        assert user.roles == "system_user"

    def test_exit_codes(self, user: User) -> None:
        status, _, err = command_line("user", "role", "alice", "overlord")
        assert status == 1
        assert "'overlord' are not system roles" in err
        assert command_line("user", "role", "nobody", "system_user")[0] == 1
        assert command_line("user", "role", "alice")[0] == 2  # a usage error: no role given


class TestSessionsRevoke:
    def test_logs_the_user_out_everywhere(
        self, client: Client, user: User, other_user: User, login: Callable[..., Any]
    ) -> None:
        tokens = [login(user)[1], login(user)[1]]
        bobs = login(other_user)[1]
        assert [me_status(client, t) for t in [*tokens, bobs]] == [200, 200, 200]
        assert run("sessions-revoke", "alice") == "Ended 2 sessions of alice.\n"
        assert [me_status(client, t) for t in [*tokens, bobs]] == [401, 401, 200]
        user.refresh_from_db()
        assert user.is_active  # only logged out

    def test_unknown_user_exits_1(self) -> None:
        status, out, err = command_line("user", "sessions-revoke", "nobody")
        assert (status, out) == (1, "")
        assert "No user has the username, email address or id 'nobody'." in err


def test_command_line_happy_path_and_bad_input(user: User) -> None:
    status, out, _ = command_line("user", "list", "--json")
    assert status == 0
    assert [row["username"] for row in json.loads(out)] == ["alice"]
    assert command_line("user", "deactivate", "nobody")[0] == 1
    assert command_line("user", "frobnicate")[0] == 2
