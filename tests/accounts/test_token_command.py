from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.accounts.models import User, UserAccessToken
from apps.accounts.services import access_token_create, user_set_active
from tests.helpers import bearer, command_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tokens_allowed(mm_config: Callable[..., None]) -> None:
    mm_config(enable_user_access_tokens=True)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def me_status(token: str) -> int:
    return Client().get("/api/v4/users/me", **bearer(token)).status_code


def test_issue_prints_a_working_token_once(user: User) -> None:
    out = run("issue", "alice", "--description", "deploy bot")
    first_line = out.splitlines()[0]
    token = first_line.rsplit(": ", 1)[1]
    access_token = UserAccessToken.objects.get(user=user)
    assert first_line == f"Token {access_token.id} for alice: {token}"
    assert token not in access_token.token_hash  # only its hash is kept
    assert me_status(token) == 200
    assert token not in run("list", "--json")


def test_issue_as_json(user: User) -> None:
    issued = json.loads(run("issue", user.email, "--description", "ci", "--json"))
    assert issued == {
        "id": UserAccessToken.objects.get().id,
        "user_id": user.id,
        "username": "alice",
        "description": "ci",
        "is_active": True,
        "token": issued["token"],
    }
    assert me_status(issued["token"]) == 200


def test_list_all_or_one_users(user: User, other_user: User) -> None:
    access_token_create(user=user, description="one")
    access_token_create(user=other_user, description="two")
    everyone = json.loads(run("list", "--json"))
    assert sorted(row["username"] for row in everyone) == ["alice", "bob"]
    assert [row["description"] for row in json.loads(run("list", "bob", "--json"))] == ["two"]
    assert "alice  active  one" in run("list")


def test_revoke_stops_the_token_at_once(user: User) -> None:
    access_token, token = access_token_create(user=user, description="one")
    assert me_status(token) == 200
    assert run("revoke", access_token.id) == f"Token {access_token.id} is revoked.\n"
    assert me_status(token) == 401
    assert not UserAccessToken.objects.exists()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (("issue", "nobody", "--description", "x"), "No user has"),
        (("issue", "alice", "--description", "x" * 256), "at most 255 bytes"),
        (("revoke", "nosuchtoken"), "No token has the id 'nosuchtoken'"),
        (("list", "nobody"), "No user has"),
    ],
)
def test_bad_input(user: User, args: tuple[str, ...], complaint: str) -> None:
    with pytest.raises(CommandError, match=complaint):
        run(*args)
    assert not UserAccessToken.objects.exists()


def test_refused_for_deactivated_users_and_when_switched_off(
    user: User, mm_config: Callable[..., None]
) -> None:
    user_set_active(user=user, active=False)
    with pytest.raises(CommandError, match="alice is deactivated"):
        run("issue", "alice", "--description", "x")
    user_set_active(user=user, active=True)
    mm_config(enable_user_access_tokens=False)
    with pytest.raises(CommandError, match="switched off"):
        run("issue", "alice", "--description", "x")


def test_exit_codes(user: User) -> None:
    status, out, _ = command_line("token", "issue", "alice", "--description", "x", "--json")
    assert status == 0
    assert json.loads(out)["username"] == "alice"
    status, _, err = command_line("token", "revoke", "nope")
    assert status == 1
    assert "No token has the id 'nope'." in err
    assert command_line("token", "issue", "alice")[0] == 2  # --description is required
