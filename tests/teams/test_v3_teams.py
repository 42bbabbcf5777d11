"""API v3: teams — create, list, find, read, update, stats, unread counts, invite info."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.channels.models import Channel
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_archive, team_member_add
from tests.helpers import assert_error, bearer
from tests.helpers_v3 import (
    FORBIDDEN,
    INVALID_PARAM,
    NO_SESSION,
    UNKNOWN_ID,
    make_team,
    query_count,
    v3,
)

pytestmark = pytest.mark.django_db

TEAM_FIELDS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "display_name",
    "name",
    "description",
    "email",
    "type",
    "company_name",
    "allowed_domains",
    "invite_id",
    "allow_open_invite",
]
MISSING_TEAM = "store.sql_team.get.find.app_error"


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    """Alice's open team (allowed domain example.com); bob is a plain member."""
    team = make_team(user, "alpha", allowed_domains="example.com")
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.fixture
def outsider_token(login: Callable[..., tuple[Session, str]]) -> str:
    from apps.accounts.services import user_create

    zed = user_create(username="zed", email="zed@example.com", password="passw0rd!")
    return login(zed)[1]


class TestCreate:
    URL = "/teams/create"

    def test_the_creator_gets_the_unsanitized_team_and_admin_membership(
        self, client: Client, user: User, token: str
    ) -> None:
        body = {"display_name": "Alpha Team", "name": "alpha", "type": "O"}
        response = v3(client, "post", self.URL, token, body)
        assert response.status_code == 200
        team = response.json()
        assert list(team) == TEAM_FIELDS
        assert (team["email"], team["allow_open_invite"]) == ("alice@example.com", False)
        member = TeamMember.objects.get(team_id=team["id"], user=user)
        assert member.roles == "team_user team_admin"
        names = set(Channel.objects.filter(team_id=team["id"]).values_list("name", flat=True))
        assert names == {"town-square", "off-topic"}

    def test_an_invalid_name_is_a_400(self, client: Client, token: str) -> None:
        body = {"display_name": "X", "name": "a", "type": "O"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            400,
            "model.team.is_valid.characters.app_error",
        )

    def test_a_taken_name_is_a_400(self, client: Client, team: Team, token: str) -> None:
        body = {"display_name": "Again", "name": "alpha", "type": "O"}
        assert_error(
            v3(client, "post", self.URL, token, body),
            400,
            "store.sql_team.save.domain_exists.app_error",
        )

    @pytest.mark.parametrize("body", [{"name": 5}, {"allow_open_invite": "yes"}, ["x"]])
    def test_a_body_that_is_no_team_is_a_400(
        self, client: Client, token: str, body: object
    ) -> None:
        assert_error(v3(client, "post", self.URL, token, body), 400, INVALID_PARAM)

    def test_needs_a_session(self, client: Client) -> None:
        body = {"display_name": "A", "name": "alpha", "type": "O"}
        assert_error(v3(client, "post", self.URL, body=body), 401, NO_SESSION)

    def test_a_team_made_here_is_read_through_v4(self, client: Client, token: str) -> None:
        body = {"display_name": "Alpha Team", "name": "alpha", "type": "O"}
        team_id = v3(client, "post", self.URL, token, body).json()["id"]
        v4 = client.get(f"/api/v4/teams/{team_id}", **bearer(token)).json()
        assert (v4["name"], v4["display_name"]) == ("alpha", "Alpha Team")

    def test_a_team_made_through_v4_is_listed_here(self, client: Client, token: str) -> None:
        body = {"display_name": "Made in v4", "name": "fourth", "type": "O"}
        response = client.post(
            "/api/v4/teams", json.dumps(body), content_type="application/json", **bearer(token)
        )
        team_id = response.json()["id"]
        listed = v3(client, "get", "/teams/all", token).json()
        assert listed[team_id]["display_name"] == "Made in v4"


class TestLists:
    def test_all_is_ones_own_teams_sanitized_for_members(
        self, client: Client, team: Team, user: User, bob_token: str, token: str
    ) -> None:
        make_team(user, "beta")  # bob is not in it
        body = v3(client, "get", "/teams/all", bob_token).json()
        assert list(body) == [team.id]
        assert (body[team.id]["email"], body[team.id]["allowed_domains"]) == ("", "")
        mine = v3(client, "get", "/teams/all", token).json()
        assert mine[team.id]["email"] == "alice@example.com"
        assert len(mine) == 2

    def test_all_is_every_team_for_admins(
        self, client: Client, team: Team, user: User, admin_token: str
    ) -> None:
        team_archive(team=make_team(user, "gone"))
        assert len(v3(client, "get", "/teams/all", admin_token).json()) == 2

    def test_listings_are_the_teams_open_to_anyone(
        self, client: Client, team: Team, user: User, outsider_token: str
    ) -> None:
        make_team(user, "closed", type="I", allow_open_invite=False)
        body = v3(client, "get", "/teams/all_team_listings", outsider_token).json()
        assert list(body) == [team.id]
        assert body[team.id]["email"] == ""

    def test_my_memberships_and_unread_counts(
        self, client: Client, team: Team, user: User, bob_token: str
    ) -> None:
        other = make_team(user, "beta")
        members = v3(client, "get", "/teams/members", bob_token).json()
        assert members == [
            {
                "team_id": team.id,
                "user_id": members[0]["user_id"],
                "roles": "team_user",
                "delete_at": 0,
            }
        ]
        team_member_add(team=other, user=User.objects.get(username="bob"))
        unread = v3(client, "get", "/teams/unread", bob_token).json()
        assert {entry["team_id"] for entry in unread} == {team.id, other.id}
        assert set(unread[0]) == {"team_id", "msg_count", "mention_count"}
        one = v3(client, "get", f"/teams/unread?id={team.id}", bob_token).json()
        assert [entry["team_id"] for entry in one] == [other.id]

    @pytest.mark.parametrize(
        "path", ["/teams/all", "/teams/all_team_listings", "/teams/members", "/teams/unread"]
    )
    def test_need_a_session(self, client: Client, path: str) -> None:
        assert_error(v3(client, "get", path), 401, NO_SESSION)

    @pytest.mark.parametrize(
        "path", ["/teams/all", "/teams/unread", "/teams/members", "/teams/all_team_listings"]
    )
    def test_cost_the_same_queries_for_one_team_as_for_many(
        self, client: Client, user: User, token: str, path: str
    ) -> None:
        make_team(user, "first")
        one = query_count(lambda: v3(client, "get", path, token))
        for name in ("second", "third", "fourth"):
            make_team(user, name)
        assert query_count(lambda: v3(client, "get", path, token)) == one


class TestFind:
    def test_find_team_by_name_answers_a_bare_boolean(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        found = v3(client, "post", "/teams/find_team_by_name", outsider_token, {"name": " Alpha "})
        assert found.content == b"true"
        missing = v3(client, "post", "/teams/find_team_by_name", outsider_token, {"name": "zz"})
        assert missing.content == b"false"
        empty = v3(client, "post", "/teams/find_team_by_name", outsider_token, {"name": 1})
        assert empty.content == b"false"

    def test_by_name(self, client: Client, team: Team, outsider_token: str) -> None:
        response = v3(client, "get", "/teams/name/alpha", outsider_token)
        assert response.json()["id"] == team.id
        assert_error(
            v3(client, "get", "/teams/name/nope", outsider_token),
            404,
            "store.sql_team.get_by_name.app_error",
        )

    def test_by_name_an_invite_only_team_is_for_its_members(
        self, client: Client, user: User, token: str, outsider_token: str
    ) -> None:
        make_team(user, "closed", type="I", allow_open_invite=False)
        assert v3(client, "get", "/teams/name/closed", token).status_code == 200
        assert_error(v3(client, "get", "/teams/name/closed", outsider_token), 403, FORBIDDEN)

    def test_invite_info_needs_no_session(self, client: Client, team: Team) -> None:
        response = v3(client, "post", "/teams/get_invite_info", body={"invite_id": team.invite_id})
        assert response.json() == {
            "description": "",
            "display_name": "Alpha",
            "id": team.id,
            "name": "alpha",
        }

    def test_invite_info_errors(self, client: Client, user: User) -> None:
        closed = make_team(user, "closed", type="I", allow_open_invite=False)
        response = v3(
            client, "post", "/teams/get_invite_info", body={"invite_id": closed.invite_id}
        )
        assert_error(response, 400, "api.team.get_invite_info.not_open_team")
        response = v3(client, "post", "/teams/get_invite_info", body={"invite_id": "nope"})
        assert_error(response, 404, "app.team.get_by_invite_id.finding.app_error")


class TestMyTeam:
    def url(self, team: Team) -> str:
        return f"/teams/{team.id}/me"

    def test_with_etag_and_304(self, client: Client, team: Team, bob_token: str) -> None:
        response = v3(client, "get", self.url(team), bob_token)
        assert response.json()["email"] == ""  # bob does not manage it
        assert response["ETag"] == f"4.10.0.{team.id}.{team.update_at}"
        again = v3(client, "get", self.url(team), bob_token, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_other_teams_are_forbidden(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        assert_error(v3(client, "get", self.url(team), outsider_token), 403, FORBIDDEN)

    def test_an_unknown_team_is_a_404_for_admins(self, client: Client, admin_token: str) -> None:
        assert_error(v3(client, "get", f"/teams/{UNKNOWN_ID}/me", admin_token), 404, MISSING_TEAM)

    def test_needs_a_session(self, client: Client, team: Team) -> None:
        assert_error(v3(client, "get", self.url(team)), 401, NO_SESSION)


class TestUpdate:
    def url(self, team: Team) -> str:
        return f"/teams/{team.id}/update"

    def test_the_teams_admin_changes_the_fields_sent(
        self, client: Client, team: Team, token: str
    ) -> None:
        body = {"display_name": "Renamed", "allow_open_invite": False, "name": "ignored"}
        response = v3(client, "post", self.url(team), token, body)
        assert response.status_code == 200
        shown = response.json()
        assert (shown["display_name"], shown["name"], shown["allow_open_invite"]) == (
            "Renamed",
            "alpha",
            False,
        )
        team.refresh_from_db()
        assert team.allowed_domains == "example.com"  # not sent, unchanged

    def test_a_change_made_here_is_read_through_v4(
        self, client: Client, team: Team, token: str
    ) -> None:
        v3(client, "post", self.url(team), token, {"description": "About us"})
        assert client.get(f"/api/v4/teams/{team.id}", **bearer(token)).json()["description"] == (
            "About us"
        )

    def test_plain_members_may_not(self, client: Client, team: Team, bob_token: str) -> None:
        body = {"display_name": "Mine"}
        assert_error(v3(client, "post", self.url(team), bob_token, body), 403, FORBIDDEN)

    def test_invalid_values_are_a_400(self, client: Client, team: Team, token: str) -> None:
        assert_error(
            v3(client, "post", self.url(team), token, {"display_name": 3}), 400, INVALID_PARAM
        )
        assert_error(
            v3(client, "post", self.url(team), token, {"display_name": ""}),
            400,
            "model.team.is_valid.name.app_error",
        )


class TestStats:
    def test_counts_members(self, client: Client, team: Team, bob_token: str) -> None:
        response = v3(client, "get", f"/teams/{team.id}/stats", bob_token)
        assert response.json() == {
            "team_id": team.id,
            "total_member_count": 2,
            "active_member_count": 2,
        }

    def test_other_teams_are_forbidden(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        assert_error(v3(client, "get", f"/teams/{team.id}/stats", outsider_token), 403, FORBIDDEN)
