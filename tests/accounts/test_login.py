from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import login as log_in
from apps.accounts.services import user_reset_lockout
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.teams.services import team_create, team_member_leave
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

LOGIN = "/api/v4/users/login"
BAD_CREDENTIALS = "api.user.login.invalid_credentials_email_username"


def login(client: Client, body: object, **extra: str):
    return client.post(LOGIN, json.dumps(body), content_type="application/json", **extra)


@pytest.mark.parametrize("login_id", ["alice", "ALICE", "alice@example.com", "Alice@Example.com"])
def test_login_by_username_or_email(client: Client, user: User, login_id: str) -> None:
    response = login(client, {"login_id": login_id, "password": "passw0rd!", "token": None})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.id
    assert "password" not in body
    token = response["Token"]
    assert len(token) == 26
    assert client.get("/api/v4/users/me", **bearer(token)).json()["id"] == user.id
    assert not response.cookies  # no cookies unless the request is an XHR


def test_login_by_id(client: Client, user: User) -> None:
    response = login(client, {"id": user.id, "password": "passw0rd!"})
    assert response.status_code == 200


def test_browser_login_sets_cookies(client: Client, user: User) -> None:
    response = login(
        client,
        {"login_id": "alice", "password": "passw0rd!"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    cookies = response.cookies
    assert cookies["MMAUTHTOKEN"].value == response["Token"]
    assert cookies["MMAUTHTOKEN"]["httponly"]
    assert cookies["MMUSERID"].value == user.id
    assert not cookies["MMUSERID"]["httponly"]
    session = Session.objects.get(user=user)
    assert cookies["MMCSRF"].value == session.csrf_token
    assert int(cookies["MMAUTHTOKEN"]["max-age"]) == 720 * 3600


@pytest.mark.parametrize(
    "body",
    [
        {"login_id": "alice", "password": "wrong-password"},
        {"login_id": "nobody", "password": "passw0rd!"},
        {"id": "x" * 26, "password": "passw0rd!"},
    ],
)
def test_wrong_user_or_password_give_one_masked_error(
    client: Client, user: User, body: dict[str, str]
) -> None:
    assert_error(login(client, body), 401, BAD_CREDENTIALS)


@pytest.mark.parametrize(
    "body",
    [{"login_id": "alice"}, {"login_id": "alice", "password": ""}, "not an object", [1, 2]],
)
def test_blank_password_is_a_400(client: Client, user: User, body: object) -> None:
    assert_error(login(client, body), 400, "api.user.login.blank_pwd.app_error")


def test_non_string_values_are_ignored(client: Client, user: User) -> None:
    # Mattermost decodes the body into a string map: a number is as good as absent.
    response = login(client, {"login_id": "alice", "password": 12345678})
    assert_error(response, 400, "api.user.login.blank_pwd.app_error")


def test_malformed_json_is_a_400(client: Client) -> None:
    response = client.post(LOGIN, "{nope", content_type="application/json")
    assert_error(response, 400, "api.context.invalid_body_param.app_error")


def test_deactivated_user_is_told_so(client: Client, user: User) -> None:
    user.delete_at = now_ms()
    user.save()
    response = login(client, {"login_id": "alice", "password": "passw0rd!"})
    assert_error(response, 401, "api.user.login.inactive.app_error")


def test_only_the_enabled_login_kinds_work(client: Client, user: User, mm_config) -> None:
    mm_config(enable_sign_in_with_email=False)
    response = login(client, {"login_id": "alice@example.com", "password": "passw0rd!"})
    assert_error(response, 401, "api.user.login.invalid_credentials_username")
    assert login(client, {"login_id": "alice", "password": "passw0rd!"}).status_code == 200


class TestLockout:
    def fail(self, client: Client, times: int) -> None:
        for _ in range(times):
            login(client, {"login_id": "alice", "password": "wrong-password"})

    def test_locked_after_the_maximum_failures(self, client: Client, user: User, mm_config) -> None:
        mm_config(maximum_login_attempts=3)
        self.fail(client, 3)
        response = login(client, {"login_id": "alice", "password": "passw0rd!"})
        assert_error(response, 401, "api.user.check_user_login_attempts.too_many.app_error")

    def test_success_resets_the_count(self, client: Client, user: User, mm_config) -> None:
        mm_config(maximum_login_attempts=3)
        self.fail(client, 2)
        assert login(client, {"login_id": "alice", "password": "passw0rd!"}).status_code == 200
        self.fail(client, 2)
        assert login(client, {"login_id": "alice", "password": "passw0rd!"}).status_code == 200

    def test_lockout_expires(self, client: Client, user: User, mm_config) -> None:
        mm_config(maximum_login_attempts=3, login_lockout_minutes=15)
        self.fail(client, 3)
        User.objects.filter(pk=user.pk).update(last_failed_login_at=now_ms() - 16 * 60_000)
        assert login(client, {"login_id": "alice", "password": "passw0rd!"}).status_code == 200

    def test_zero_minutes_means_until_reset(self, client: Client, user: User, mm_config) -> None:
        mm_config(maximum_login_attempts=3, login_lockout_minutes=0)
        self.fail(client, 3)
        User.objects.filter(pk=user.pk).update(last_failed_login_at=now_ms() - 10**9)
        response = login(client, {"login_id": "alice", "password": "passw0rd!"})
        assert_error(response, 401, "api.user.check_user_login_attempts.too_many.app_error")
        user_reset_lockout(user=User.objects.get(pk=user.pk))
        assert login(client, {"login_id": "alice", "password": "passw0rd!"}).status_code == 200


def test_device_login_replaces_the_devices_old_session(client: Client, user: User) -> None:
    body = {"login_id": "alice", "password": "passw0rd!", "device_id": "apple:abc"}
    first = login(client, body)["Token"]
    second = login(client, body)["Token"]
    assert client.get("/api/v4/users/me", **bearer(first)).status_code == 401
    assert client.get("/api/v4/users/me", **bearer(second)).status_code == 200
    assert Session.objects.filter(user=user, device_id="apple:abc").count() == 1


def test_a_team_login_admits_only_the_teams_active_members(user: User, other_user: User) -> None:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    fields = {"user_id": "", "password": "passw0rd!", "device_id": "", "props": {}}
    signed_in, _, _ = log_in(login_id="alice", team_id=team.id, **fields)
    assert signed_in == user
    for login_id, team_id in (("bob", team.id), ("alice", "")):
        with pytest.raises(AppError) as refused:
            log_in(login_id=login_id, team_id=team_id, **fields)
        assert refused.value.error_id == BAD_CREDENTIALS
    team_member_leave(team=team, user=user, remover=user)
    with pytest.raises(AppError):
        log_in(login_id="alice", team_id=team.id, **fields)
