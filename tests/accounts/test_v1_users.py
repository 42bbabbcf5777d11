"""API v1 users: signing up into a team, logging in and out, reading users, profiles and
statuses."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.selectors import session_get_by_token
from apps.accounts.services import SESSION_PROP_V1_TEAM, status_set, user_create, user_set_active
from apps.channels.models import ChannelMember
from apps.teams.models import TEAM_INVITE, Team, TeamMember
from apps.teams.services import team_create, team_member_add
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db

BAD_LOGIN = "Wrong login details, or the account is not in that team."


def sign_up(api: V1Api, team: Team, name: str, **extra: object):  # type: ignore[no-untyped-def]
    body = {
        "team_id": team.id,
        "email": f"{name}@example.com",
        "username": name,
        "password": "passw0rd!",
    }
    return api.post("users/create", {**body, **extra})


@pytest.fixture
def open_server(mm_config) -> None:  # type: ignore[no-untyped-def]
    mm_config(enable_open_server=True)


class TestCreate:
    @pytest.fixture
    def empty_team(self, db: None) -> Team:
        return team_create(
            creator=None, display_name="Gamma", name="gamma", type="O", email="gina@example.com"
        )

    def test_the_first_account_is_system_admin_even_on_a_closed_server(
        self, v1_anon: V1Api, empty_team: Team
    ) -> None:
        response = sign_up(v1_anon, empty_team, "gina")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["roles"], body["team_id"], body["username"]) == (
            "system_admin",
            empty_team.id,
            "gina",
        )
        assert "password" not in body
        assert User.objects.get(pk=body["id"]).is_system_admin

    def test_the_team_email_makes_its_admin_and_of_its_default_channels(
        self, v1_anon: V1Api, empty_team: Team, admin: User, open_server: None
    ) -> None:
        body = sign_up(v1_anon, empty_team, "gina").json()
        assert body["roles"] == "admin"
        member = TeamMember.objects.get(team=empty_team, user_id=body["id"])
        assert member.scheme_admin
        defaults = ChannelMember.objects.filter(user_id=body["id"], channel__team=empty_team)
        assert sorted(m.channel.name for m in defaults if m.scheme_admin) == [
            "off-topic",
            "town-square",
        ]

    def test_others_join_as_members(self, v1_anon: V1Api, alpha: Team, open_server: None) -> None:
        response = sign_up(v1_anon, alpha, "carol", allow_marketing=True, nickname="C")
        body = response.json()
        assert (body["roles"], body["nickname"], body["allow_marketing"]) == ("", "C", True)
        assert TeamMember.objects.filter(
            team=alpha, user_id=body["id"], scheme_admin=False
        ).exists()

    def test_a_closed_server_refuses_strangers(self, v1_anon: V1Api, alpha: Team) -> None:
        assert_v1_error(sign_up(v1_anon, alpha, "carol"), 403)
        assert not User.objects.filter(username="carol").exists()

    def test_a_system_admin_may_add_anyone(
        self, client: Client, alpha: Team, admin: User, login
    ) -> None:  # type: ignore[no-untyped-def]
        response = sign_up(V1Api(client, login(admin)[1]), alpha, "carol")
        assert response.status_code == 200

    @pytest.mark.parametrize("team_id", ["", "x", "a" * 26])
    def test_the_team_must_exist(self, v1_anon: V1Api, alpha: Team, team_id: str) -> None:
        response = v1_anon.post(
            "users/create",
            {
                "team_id": team_id,
                "email": "c@example.com",
                "username": "c",
                "password": "passw0rd!",
            },
        )
        assert_v1_error(response, 500, "No such team.")

    def test_an_archived_team_takes_nobody(
        self, v1_anon: V1Api, alpha: Team, open_server: None
    ) -> None:
        Team.objects.filter(pk=alpha.pk).update(delete_at=1)
        assert_v1_error(sign_up(v1_anon, alpha, "carol"), 500)

    def test_an_invite_only_team_takes_its_domains(self, v1_anon: V1Api, alpha: Team) -> None:
        Team.objects.filter(pk=alpha.pk).update(type=TEAM_INVITE, allowed_domains="corp.example")
        alpha.refresh_from_db()
        assert_v1_error(sign_up(v1_anon, alpha, "carol"), 403)
        response = v1_anon.post(
            "users/create",
            {
                "team_id": alpha.id,
                "email": "carol@corp.example",
                "username": "carol",
                "password": "passw0rd!",
            },
        )
        assert response.status_code == 200

    def test_sign_up_switched_off(self, v1_anon: V1Api, alpha: Team, mm_config) -> None:  # type: ignore[no-untyped-def]
        mm_config(enable_user_creation=False, enable_open_server=True)
        assert_v1_error(sign_up(v1_anon, alpha, "carol"), 501)

    def test_an_address_of_an_existing_user_is_taken(
        self, v1_anon: V1Api, alpha: Team, open_server: None
    ) -> None:
        # 1.x had one user per team; users are global here.
        response = sign_up(v1_anon, alpha, "carol", email="alice@example.com")
        assert_v1_error(response, 500, "An account with that email already exists.")

    def test_invalid_fields_are_1x_500s(
        self, v1_anon: V1Api, alpha: Team, open_server: None
    ) -> None:
        assert_v1_error(sign_up(v1_anon, alpha, "Not A Name!"), 500)
        assert_v1_error(sign_up(v1_anon, alpha, "carol", password="x"), 500)

    def test_a_body_that_is_no_object_is_a_400(self, v1_anon: V1Api) -> None:
        assert_v1_error(v1_anon.post("users/create", ["x"]), 400)


def login_body(**fields: str) -> str:
    return json.dumps(fields)


class TestLogin:
    def login(self, client: Client, **fields: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/users/login", login_body(**fields), content_type="application/json"
        )

    def test_by_team_and_email(self, client: Client, user: User, alpha: Team) -> None:
        response = self.login(client, name="alpha", email="Alice@example.com", password="passw0rd!")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["team_id"], body["roles"]) == (user.id, alpha.id, "admin")
        token = response["Token"]
        assert session_get_by_token(token).props[SESSION_PROP_V1_TEAM] == alpha.id
        cookie = response.cookies["MMTOKEN"]
        assert cookie.value == token
        assert cookie["httponly"]

    def test_by_team_and_username(self, client: Client, other_user: User, alpha: Team) -> None:
        response = self.login(client, name="alpha", username="bob", password="passw0rd!")
        assert response.json()["id"] == other_user.id

    def test_by_id_in_the_first_team_joined(self, client: Client, user: User, alpha: Team) -> None:
        team_create(creator=user, display_name="Beta", name="beta", type="O")
        response = self.login(client, id=user.id, password="passw0rd!")
        assert response.json()["team_id"] == alpha.id

    def test_by_id_and_team(self, client: Client, user: User, alpha: Team) -> None:
        beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
        response = self.login(client, id=user.id, name="beta", password="passw0rd!")
        assert response.json()["team_id"] == beta.id

    def test_a_wrong_password_counts(self, client: Client, user: User, alpha: Team) -> None:
        response = self.login(client, name="alpha", email="alice@example.com", password="nope")
        assert_v1_error(response, 403, BAD_LOGIN)
        user.refresh_from_db()
        assert user.failed_attempts == 1

    def test_someone_outside_the_team_is_told_the_same(
        self, client: Client, admin: User, alpha: Team
    ) -> None:
        response = self.login(client, name="alpha", email="root@example.com", password="passw0rd!")
        assert_v1_error(response, 403, BAD_LOGIN)
        response = self.login(
            client, name="alpha", email="nobody@example.com", password="passw0rd!"
        )
        assert_v1_error(response, 403, BAD_LOGIN)
        response = self.login(client, id=admin.id, password="passw0rd!")  # in no team at all
        assert_v1_error(response, 403, BAD_LOGIN)

    def test_an_unknown_team(self, client: Client, user: User) -> None:
        response = self.login(client, name="nope", email="alice@example.com", password="passw0rd!")
        assert_v1_error(response, 500, "No such team.")

    @pytest.mark.parametrize(
        "fields",
        [
            {"email": "alice@example.com", "password": "p"},
            {"name": "alpha", "password": "p"},
            {"name": "alpha", "login_id": "alice", "password": "p"},
        ],
    )
    def test_a_team_and_an_address_or_an_id_are_needed(
        self, client: Client, alpha: Team, fields: dict[str, str]
    ) -> None:
        response = self.login(client, **fields)
        assert_v1_error(
            response, 403, "Send either an id, or a team name with an email or username."
        )

    def test_a_password_is_needed(self, client: Client, alpha: Team) -> None:
        response = self.login(client, name="alpha", email="alice@example.com", password="")
        assert_v1_error(response, 403, "A password is needed to log in.")

    def test_a_deactivated_account(self, client: Client, user: User, alpha: Team) -> None:
        user_set_active(user=user, active=False)
        response = self.login(client, name="alpha", email="alice@example.com", password="passw0rd!")
        assert_v1_error(response, 403)

    def test_a_locked_account(self, client: Client, user: User, alpha: Team, mm_config) -> None:  # type: ignore[no-untyped-def]
        mm_config(maximum_login_attempts=1)
        self.login(client, name="alpha", email="alice@example.com", password="nope")
        response = self.login(client, name="alpha", email="alice@example.com", password="passw0rd!")
        assert_v1_error(response, 403)
        assert "locked" in response.json()["message"]

    def test_the_cookie_keeps_one_live_token_per_team(
        self, client: Client, user: User, alpha: Team, v1_login: Callable[[User, Team], str]
    ) -> None:
        beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
        gamma = team_create(creator=user, display_name="Gamma", name="gamma", type="O")
        beta_token, gamma_token = v1_login(user, beta), v1_login(user, gamma)
        old_alpha = v1_login(user, alpha)
        dead = "d" * 26
        browser = Client()
        response = browser.post(
            "/api/v1/users/login",
            login_body(name="alpha", email="alice@example.com", password="passw0rd!"),
            content_type="application/json",
            HTTP_COOKIE=f'MMTOKEN="{beta_token} {dead} {old_alpha} {gamma_token}"',
        )
        new = response["Token"]
        assert response.cookies["MMTOKEN"].value == f"{beta_token} {gamma_token} {new}"


class TestLogout:
    def test_ends_the_session_at_once_and_expires_the_cookie(self, v1: V1Api, user: User) -> None:
        assert v1.get("teams/me").status_code == 200  # the session is now cached
        response = v1.post("users/logout")
        assert response.status_code == 200
        assert response.json() == {"user_id": user.id}
        assert response.cookies["MMTOKEN"]["max-age"] == 0
        assert_v1_error(v1.get("teams/me"), 401)
        assert not Session.objects.filter(user=user).exists()

    def test_needs_a_session(self, v1_anon: V1Api) -> None:
        assert_v1_error(v1_anon.post("users/logout"), 401)


class TestMe:
    def test_without_a_session_an_empty_200(self, v1_anon: V1Api) -> None:
        response = v1_anon.get("users/me")
        assert (response.status_code, response.content) == (200, b"")

    def test_the_caller_in_the_session_team(self, v1: V1Api, user: User, alpha: Team) -> None:
        response = v1.get("users/me")
        body = response.json()
        assert (body["id"], body["team_id"], body["roles"]) == (user.id, alpha.id, "admin")
        assert response["Expires"] == "-1"
        assert v1.get("users/me", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


class TestGetUser:
    def test_oneself(self, v1: V1Api, user: User) -> None:
        response = v1.get(f"users/{user.id}")
        assert response.json()["email"] == "alice@example.com"
        assert v1.get(f"users/{user.id}", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_others_only_for_system_admins(
        self,
        client: Client,
        v1_bob: V1Api,
        user: User,
        admin: User,
        alpha: Team,
        v1_login: Callable[[User, Team], str],
    ) -> None:
        assert_v1_error(v1_bob.get(f"users/{user.id}"), 403, "You are not allowed to do this.")
        team_member_add(team=alpha, user=admin)
        as_admin = V1Api(client, v1_login(admin, alpha))
        body = as_admin.get(f"users/{user.id}").json()
        assert (body["id"], body["team_id"], body["roles"]) == (user.id, alpha.id, "admin")
        assert_v1_error(as_admin.get(f"users/{'z' * 26}"), 500)

    def test_needs_a_session(self, v1_anon: V1Api, user: User) -> None:
        assert_v1_error(v1_anon.get(f"users/{user.id}"), 401)


class TestProfiles:
    def test_the_session_team(self, v1: V1Api, user: User, other_user: User, alpha: Team) -> None:
        response = v1.get("users/profiles")
        body = response.json()
        assert set(body) == {user.id, other_user.id}
        assert body[other_user.id]["roles"] == ""
        assert body[user.id]["roles"] == "admin"
        assert "notify_props" not in body[user.id]
        assert v1.get("users/profiles", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        assert v1.get(f"users/profiles/{alpha.id}").json() == body

    def test_privacy_settings_hide_addresses_and_names(
        self, v1_bob: V1Api, user: User, mm_config
    ) -> None:  # type: ignore[no-untyped-def]
        mm_config(show_email_address=False, show_full_name=False)
        profile = v1_bob.get("users/profiles").json()[user.id]
        assert (profile["email"], profile["first_name"], profile["last_name"]) == ("", "", "")

    def test_another_team_needs_a_system_admin(
        self, client: Client, v1: V1Api, admin: User, login: Callable[..., tuple[Session, str]]
    ) -> None:
        other = team_create(creator=admin, display_name="Other", name="other", type="O")
        assert_v1_error(
            v1.get(f"users/profiles/{other.id}"),
            403,
            "Only a system admin may do this.",
        )
        as_admin = V1Api(client, login(admin)[1])
        assert set(as_admin.get(f"users/profiles/{other.id}").json()) == {admin.id}
        assert_v1_error(as_admin.get(f"users/profiles/{'z' * 26}"), 500)

    def test_one_query_budget_whatever_the_team_size(
        self, v1: V1Api, alpha: Team, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        v1.get("users/profiles")  # warm the session cache
        with django_assert_max_num_queries(3) as small:
            v1.get("users/profiles")
        for n in range(5):
            team_member_add(
                team=alpha,
                user=user_create(username=f"u{n}", email=f"u{n}@example.com", password=None),
            )
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert len(v1.get("users/profiles").json()) == 7


class TestStatuses:
    def test_the_statuses_asked_for(
        self, v1: V1Api, user: User, other_user: User, admin: User
    ) -> None:
        status_set(user_id=admin.id, status="dnd")
        body = v1.post("users/status", [user.id, other_user.id, admin.id]).json()
        assert body == {user.id: "online", other_user.id: "offline", admin.id: "away"}

    @pytest.mark.parametrize("body", [{"ids": []}, ["x"], [1], "text"])
    def test_a_list_of_ids_is_needed(self, v1: V1Api, body: object) -> None:
        assert_v1_error(
            v1.post("users/status", body), 400, "The parameter 'user_ids' is missing or not valid."
        )

    def test_one_query_whatever_the_number(
        self, v1: V1Api, user: User, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        ids = [
            user_create(username=f"u{n}", email=f"u{n}@example.com", password=None).id
            for n in range(5)
        ]
        v1.post("users/status", [user.id])
        with django_assert_max_num_queries(2) as one:
            v1.post("users/status", [user.id])
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert len(v1.post("users/status", ids).json()) == 5
