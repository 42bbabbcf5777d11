"""API v1 teams: creating one (with or without an account), the sign-up link, finding
teams, the session's team, updating it, and every team."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.channels.models import Channel, ChannelMember
from apps.core.clock import now_ms
from apps.teams.models import Team, TeamMember
from apps.teams.services import SIGNUP_LINK_MS, team_create, team_signup_link
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db


def new_team(name: str = "gamma", **extra: str) -> dict[str, str]:
    return {
        "display_name": "Gamma",
        "name": name,
        "email": "gina@example.com",
        "type": "O",
        **extra,
    }


@pytest.fixture
def open_server(mm_config) -> None:  # type: ignore[no-untyped-def]
    mm_config(enable_open_server=True)


class TestCreate:
    def test_anonymously_on_an_open_server(
        self, v1_anon: V1Api, user: User, open_server: None
    ) -> None:
        response = v1_anon.post("teams/create", new_team())
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["name"], body["email"], body["type"]) == ("gamma", "gina@example.com", "O")
        assert body["invite_id"]
        team = Team.objects.get(pk=body["id"])
        assert not TeamMember.objects.filter(team=team).exists()
        channels = Channel.objects.filter(team=team)
        assert sorted((c.name, c.creator_id) for c in channels) == [
            ("off-topic", ""),
            ("town-square", ""),
        ]

    def test_anonymously_while_the_server_has_no_account(self, v1_anon: V1Api) -> None:
        assert v1_anon.post("teams/create", new_team()).status_code == 200

    def test_anonymously_on_a_closed_server_is_refused(self, v1_anon: V1Api, user: User) -> None:
        assert_v1_error(v1_anon.post("teams/create", new_team()), 403)
        assert not Team.objects.exists()

    def test_anonymously_needs_sign_up_with_email(self, v1_anon: V1Api, mm_config) -> None:  # type: ignore[no-untyped-def]
        mm_config(enable_sign_up_with_email=False)
        assert_v1_error(v1_anon.post("teams/create", new_team()), 501)

    def test_with_a_session_the_creator_joins_as_admin(self, v1: V1Api, user: User) -> None:
        body = v1.post("teams/create", new_team()).json()
        assert body["email"] == "alice@example.com"  # the creator's, as in 1.x
        assert TeamMember.objects.get(team_id=body["id"], user=user).scheme_admin

    def test_team_creation_switched_off(
        self,
        v1: V1Api,
        client: Client,
        admin: User,
        mm_config,
        login: Callable[..., tuple[Session, str]],
    ) -> None:  # type: ignore[no-untyped-def]
        mm_config(enable_team_creation=False)
        assert_v1_error(v1.post("teams/create", new_team()), 500)
        as_admin = V1Api(client, login(admin)[1])
        assert as_admin.post("teams/create", new_team()).status_code == 200

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"name": "api-team"}, "The team name starts with a reserved word."),
            ({"name": "Not A Name"}, ""),
            ({"type": "X"}, ""),
            ({"email": ""}, ""),
            ({"display_name": ""}, ""),
        ],
    )
    def test_invalid_teams_are_1x_500s(
        self, v1_anon: V1Api, fields: dict[str, str], message: str
    ) -> None:
        assert_v1_error(v1_anon.post("teams/create", new_team(**fields)), 500, message)

    def test_a_taken_name(self, v1: V1Api, alpha: Team) -> None:
        assert_v1_error(v1.post("teams/create", new_team(name="alpha")), 500)

    def test_a_body_that_is_no_object(self, v1_anon: V1Api) -> None:
        assert_v1_error(v1_anon.post("teams/create", ["x"]), 400)


class TestSignupLink:
    def signup(self, api: V1Api) -> dict[str, list[str]]:
        response = api.post("teams/signup", {"email": "Carol@example.com"})
        assert response.status_code == 200, response.content
        assert response.json()["email"] == "carol@example.com"
        return parse_qs(urlsplit(response.json()["follow_link"]).query)

    def complete(self, api: V1Api, data: str, hash: str, username: str = "carol"):  # type: ignore[no-untyped-def]
        return api.post(
            "teams/create_from_signup",
            {
                "team": {"display_name": "Gamma", "name": "gamma", "type": "O"},
                "user": {"username": username, "password": "passw0rd!"},
                "invites": ["dave@example.com"],
                "data": data,
                "hash": hash,
            },
        )

    def test_the_link_creates_the_team_and_its_admin(
        self, v1_anon: V1Api, user: User, open_server: None
    ) -> None:
        link = self.signup(v1_anon)
        body = self.complete(v1_anon, link["d"][0], link["h"][0]).json()
        assert body["team"]["email"] == "carol@example.com"
        assert (body["user"]["email"], body["user"]["roles"]) == ("carol@example.com", "admin")
        assert body["invites"] == ["dave@example.com"]
        assert TeamMember.objects.get(
            team_id=body["team"]["id"], user_id=body["user"]["id"]
        ).scheme_admin

    def test_a_link_this_server_did_not_make(self, v1_anon: V1Api, open_server: None) -> None:
        link = self.signup(v1_anon)
        forged = link["d"][0].replace("carol", "mallory")
        assert_v1_error(self.complete(v1_anon, forged, link["h"][0]), 400)

    def test_an_expired_link(self, v1_anon: V1Api, open_server: None) -> None:
        old = team_signup_link(email="carol@example.com", now=now_ms() - SIGNUP_LINK_MS - 1)
        assert_v1_error(self.complete(v1_anon, old.data, old.hash), 400)

    def test_nothing_is_made_when_the_account_is_invalid(
        self, v1_anon: V1Api, open_server: None
    ) -> None:
        link = self.signup(v1_anon)
        assert_v1_error(self.complete(v1_anon, link["d"][0], link["h"][0], "Bad Name"), 500)
        assert not Team.objects.exists()
        assert not User.objects.exists()

    def test_closed_servers_hand_out_no_links(self, v1_anon: V1Api, user: User) -> None:
        assert_v1_error(v1_anon.post("teams/signup", {"email": "carol@example.com"}), 403)

    def test_signup_needs_an_address(self, v1_anon: V1Api) -> None:
        assert_v1_error(
            v1_anon.post("teams/signup", {}), 400, "The parameter 'email' is missing or not valid."
        )

    @pytest.mark.parametrize(
        "body", [{"team": [], "user": {}}, {"team": {}, "user": {}, "invites": "x"}]
    )
    def test_a_malformed_sign_up(self, v1_anon: V1Api, body: dict[str, object]) -> None:
        assert_v1_error(v1_anon.post("teams/create_from_signup", body), 400)


class TestFind:
    def test_by_name(self, v1_anon: V1Api, alpha: Team) -> None:
        assert v1_anon.post("teams/find_team_by_name", {"name": "alpha"}).json() is True
        assert v1_anon.post("teams/find_team_by_name", {"name": "nope"}).json() is False
        Team.objects.filter(pk=alpha.pk).update(delete_at=1)
        assert v1_anon.post("teams/find_team_by_name", {"name": "alpha"}).json() is False
        assert_v1_error(v1_anon.post("teams/find_team_by_name", {}), 400)

    def test_the_teams_of_an_address_without_their_secrets(
        self, v1_anon: V1Api, alpha: Team
    ) -> None:
        body = v1_anon.post("teams/find_teams", {"email": "bob@example.com"}).json()
        assert list(body) == [alpha.id]
        assert (body[alpha.id]["email"], body[alpha.id]["invite_id"]) == ("", "")
        assert v1_anon.post("teams/find_teams", {"email": "nobody@example.com"}).json() == {}
        assert_v1_error(v1_anon.post("teams/find_teams", {}), 400)


class TestMyTeam:
    def test_the_session_team(self, v1: V1Api, v1_bob: V1Api, alpha: Team) -> None:
        response = v1.get("teams/me")
        body = response.json()
        assert (body["id"], body["email"], body["invite_id"]) == (
            alpha.id,
            alpha.email,
            alpha.invite_id,
        )
        assert response["Expires"] == "-1"
        assert v1.get("teams/me", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        # Members see what API v4 shows them: no email, but the invite id.
        bobs = v1_bob.get("teams/me").json()
        assert (bobs["email"], bobs["invite_id"]) == ("", alpha.invite_id)

    def test_needs_a_session(self, v1_anon: V1Api) -> None:
        assert_v1_error(v1_anon.get("teams/me"), 401)


class TestUpdate:
    def test_the_admin_changes_what_is_sent(self, v1: V1Api, alpha: Team) -> None:
        response = v1.post("teams/update", {"display_name": "Alpha 2", "allow_open_invite": True})
        body = response.json()
        assert (body["display_name"], body["allow_open_invite"], body["email"]) == (
            "Alpha 2",
            True,
            "",
        )
        alpha.refresh_from_db()
        assert (alpha.display_name, alpha.allow_open_invite, alpha.name) == (
            "Alpha 2",
            True,
            "alpha",
        )

    def test_members_may_not(self, v1_bob: V1Api) -> None:
        assert_v1_error(v1_bob.post("teams/update", {"display_name": "X"}), 403)

    def test_invalid_values(self, v1: V1Api) -> None:
        assert_v1_error(v1.post("teams/update", {"display_name": "x" * 65}), 500)
        assert_v1_error(v1.post("teams/update", {"allow_open_invite": "yes"}), 400)


class TestAll:
    def test_every_team_for_system_admins(
        self,
        client: Client,
        v1: V1Api,
        alpha: Team,
        admin: User,
        login: Callable[..., tuple[Session, str]],
        django_assert_max_num_queries,
    ) -> None:  # type: ignore[no-untyped-def]
        assert_v1_error(v1.get("teams/all"), 403, "Only a system admin may do this.")
        as_admin = V1Api(client, login(admin)[1])
        assert list(as_admin.get("teams/all").json()) == [alpha.id]
        with django_assert_max_num_queries(2) as one:
            as_admin.get("teams/all")
        for n in range(4):
            team_create(creator=admin, display_name=f"T{n}", name=f"team-{n}", type="O")
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert len(as_admin.get("teams/all").json()) == 5


def test_default_channels_made_without_creator_have_no_admin(
    v1_anon: V1Api, open_server: None
) -> None:
    body = v1_anon.post("teams/create", new_team()).json()
    assert not ChannelMember.objects.filter(channel__team_id=body["id"]).exists()
