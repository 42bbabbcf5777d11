"""API v3: sign-up, login, logout, the caller's record and the start-up bundle."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Preference, Session, User
from apps.teams.models import TeamMember
from tests.helpers import assert_error, bearer
from tests.helpers_v3 import INVALID_PARAM, NO_SESSION, make_team, query_count, v3

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "api.user.check_user_password.invalid.app_error"
# The fields of a user as 4.10 sent them to the user themself, in its order.
SELF_FIELDS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "username",
    "auth_data",
    "auth_service",
    "email",
    "nickname",
    "first_name",
    "last_name",
    "position",
    "roles",
    "allow_marketing",
    "notify_props",
    "last_password_update",
    "locale",
    "timezone",
]
ALICE = {
    "email": "alice@example.com",
    "username": "alice",
    "password": "passw0rd!",
    "first_name": "Alice",
    "allow_marketing": True,
}
BOB = {"email": "bob@example.com", "username": "bob", "password": "passw0rd!"}


class TestCreate:
    URL = "/users/create"

    def test_the_first_account_is_the_system_admin(self, client: Client) -> None:
        response = v3(client, "post", self.URL, body=ALICE)
        assert response.status_code == 200
        body = response.json()
        assert list(body) == SELF_FIELDS
        assert body["roles"] == "system_admin system_user"
        assert body["auth_data"] == ""
        assert body["allow_marketing"] is True
        assert '"password"' not in response.content.decode()

    def test_a_closed_server_refuses_later_sign_ups(self, client: Client, user: User) -> None:
        assert_error(
            v3(client, "post", self.URL, body=BOB), 403, "api.user.create_user.no_open_server"
        )
        assert not User.objects.filter(username="bob").exists()

    def test_an_open_server_takes_them(
        self, client: Client, user: User, mm_config: Callable[..., None]
    ) -> None:
        mm_config(enable_open_server=True)
        body = v3(client, "post", self.URL, body=BOB).json()
        assert body["roles"] == "system_user"
        assert "allow_marketing" not in body  # left out while false
        assert body["locale"] == "en"

    def test_a_taken_username_is_a_400(
        self, client: Client, user: User, mm_config: Callable[..., None]
    ) -> None:
        mm_config(enable_open_server=True)
        body = {**BOB, "username": "alice"}
        assert_error(
            v3(client, "post", self.URL, body=body),
            400,
            "store.sql_user.save.username_exists.app_error",
        )

    @pytest.mark.parametrize(
        "body",
        [[ALICE], {**ALICE, "username": 5}, {**ALICE, "notify_props": {"email": True}}, "x"],
    )
    def test_a_body_that_is_no_user_is_the_invalid_user_parameter(
        self, client: Client, body: object
    ) -> None:
        assert_error(v3(client, "post", self.URL, body=body), 400, INVALID_PARAM)

    def test_the_invite_link_of_a_team_lets_anyone_join(self, client: Client, user: User) -> None:
        team = make_team(user, "alpha")
        response = v3(client, "post", f"{self.URL}?iid={team.invite_id}", body=BOB)
        assert response.status_code == 200
        assert TeamMember.objects.filter(team=team, user_id=response.json()["id"]).exists()

    @pytest.mark.parametrize("query", ["?h=abc&d=def", "?t=token"])
    def test_email_invitations_are_never_valid(
        self, client: Client, user: User, query: str
    ) -> None:
        assert_error(
            v3(client, "post", self.URL + query, body=BOB),
            400,
            "api.user.create_user.signup_link_invalid.app_error",
        )

    def test_a_user_made_here_is_read_through_v4(self, client: Client) -> None:
        created = v3(client, "post", self.URL, body=ALICE).json()
        token = v3(
            client, "post", "/users/login", body={"login_id": "alice", "password": "passw0rd!"}
        )["Token"]
        body = client.get(f"/api/v4/users/{created['id']}", **bearer(token)).json()
        assert (body["username"], body["first_name"]) == ("alice", "Alice")


class TestLogin:
    URL = "/users/login"

    @pytest.mark.parametrize(
        "credentials",
        [
            {"login_id": "alice@example.com", "password": "passw0rd!"},
            {"login_id": "alice", "password": "passw0rd!"},
            {"name": "some-team", "login_id": "alice", "password": "passw0rd!"},
        ],
    )
    def test_by_email_or_username_gives_the_token_header(
        self, client: Client, user: User, credentials: dict[str, str]
    ) -> None:
        response = v3(client, "post", self.URL, body=credentials)
        assert response.status_code == 200
        assert response.json()["id"] == user.id
        token = response["Token"]
        assert v3(client, "get", "/users/me", token).status_code == 200
        assert not response.cookies  # only a page's script gets cookies

    def test_by_user_id(self, client: Client, user: User) -> None:
        response = v3(client, "post", self.URL, body={"id": user.id, "password": "passw0rd!"})
        assert response.status_code == 200

    def test_a_pages_script_also_gets_the_cookies(self, client: Client, user: User) -> None:
        response = v3(
            client,
            "post",
            self.URL,
            body={"login_id": "alice", "password": "passw0rd!"},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
        assert response.cookies["MMAUTHTOKEN"].value == response["Token"]
        assert response.cookies["MMAUTHTOKEN"]["httponly"]
        assert response.cookies["MMUSERID"].value == user.id
        assert not response.cookies["MMUSERID"]["httponly"]
        assert "MMCSRF" not in response.cookies

    @pytest.mark.parametrize("login_id", ["alice", "nobody"])
    def test_a_wrong_password_or_unknown_user_is_the_same_401(
        self, client: Client, user: User, login_id: str
    ) -> None:
        body = {"login_id": login_id, "password": "wrong-password"}
        assert_error(v3(client, "post", self.URL, body=body), 401, WRONG_PASSWORD)

    @pytest.mark.parametrize(
        "body", [{"login_id": "alice"}, {"login_id": "alice", "password": 12345678}, []]
    )
    def test_without_a_string_password_it_is_a_400(
        self, client: Client, user: User, body: object
    ) -> None:
        assert_error(
            v3(client, "post", self.URL, body=body), 400, "api.user.login.blank_pwd.app_error"
        )


class TestLogout:
    def test_ends_the_session_and_clears_the_cookies(
        self, client: Client, user: User, token: str
    ) -> None:
        response = v3(client, "post", "/users/logout", token)
        assert response.status_code == 200
        assert response.json() == {"user_id": user.id}
        assert response.cookies["MMAUTHTOKEN"]["max-age"] == 0
        assert response.cookies["MMUSERID"]["max-age"] == 0
        assert not Session.objects.filter(user=user).exists()
        assert_error(v3(client, "get", "/users/me", token), 401, NO_SESSION)

    def test_without_a_session_names_nobody(self, client: Client) -> None:
        response = v3(client, "post", "/users/logout")
        assert response.status_code == 200
        assert response.json() == {"user_id": ""}


class TestMe:
    URL = "/users/me"

    def test_needs_a_session(self, client: Client) -> None:
        assert_error(v3(client, "get", self.URL), 401, NO_SESSION)

    def test_answers_with_the_etag_and_304(self, client: Client, user: User, token: str) -> None:
        response = v3(client, "get", self.URL, token)
        assert response.status_code == 200
        assert response.json()["id"] == user.id
        assert response["ETag"] == f"4.10.0.{user.id}.{user.update_at}.true.true"
        again = v3(client, "get", self.URL, token, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        assert again.content == b""

    def test_the_cookie_counts_only_with_the_script_header(
        self, client: Client, token: str
    ) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert_error(v3(client, "get", self.URL), 401, NO_SESSION)
        response = v3(client, "get", self.URL, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 200


def test_mfa_is_never_required(client: Client) -> None:
    response = v3(client, "post", "/users/mfa", body={"login_id": "alice"})
    assert response.status_code == 200
    assert response.json() == {"mfa_required": "false"}


class TestInitialLoad:
    URL = "/users/initial_load"

    def test_without_a_session_only_the_configuration(self, client: Client) -> None:
        body = v3(client, "get", self.URL).json()
        assert list(body) == [
            "user",
            "team_members",
            "teams",
            "preferences",
            "client_cfg",
            "license_cfg",
            "no_accounts",
        ]
        assert body["user"] is body["teams"] is body["team_members"] is body["preferences"] is None
        assert body["client_cfg"]["Version"] == "4.10.0"
        assert body["license_cfg"] == {"IsLicensed": "false"}
        assert body["no_accounts"] is True

    def test_no_accounts_turns_false_with_the_first_user(self, client: Client, user: User) -> None:
        assert v3(client, "get", self.URL).json()["no_accounts"] is False

    def test_with_a_session_the_users_teams_and_preferences(
        self, client: Client, user: User, token: str
    ) -> None:
        team = make_team(user, "alpha", allowed_domains="example.com")
        Preference.objects.create(user=user, category="theme", name="", value="{}")
        body = v3(client, "get", self.URL, token).json()
        assert body["user"]["id"] == user.id
        assert body["team_members"] == [
            {
                "team_id": team.id,
                "user_id": user.id,
                "roles": "team_user team_admin",
                "delete_at": 0,
            }
        ]
        # Sanitized even for the team's admin, as v3 sent it.
        (shown,) = body["teams"]
        assert (shown["id"], shown["email"], shown["allowed_domains"]) == (team.id, "", "")
        assert [p["category"] for p in body["preferences"]] == ["theme"]
        assert body["no_accounts"] is False

    def test_the_cookie_alone_is_enough(self, client: Client, user: User, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert v3(client, "get", self.URL).json()["user"]["id"] == user.id

    def test_costs_the_same_queries_for_one_team_as_for_many(
        self, client: Client, user: User, token: str
    ) -> None:
        make_team(user, "alpha")
        one = query_count(lambda: v3(client, "get", self.URL, token))
        for name in ("beta", "gamma", "delta"):
            make_team(user, name)
        Preference.objects.create(user=user, category="theme", name="", value="{}")
        assert query_count(lambda: v3(client, "get", self.URL, token)) == one <= 4
