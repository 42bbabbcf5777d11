"""API v3: team membership — listing, adding, removing, roles, joining by invite link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import user_create
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_member_add, team_member_remove
from tests.helpers import assert_error, bearer
from tests.helpers_v3 import (
    FORBIDDEN,
    INVALID_PARAM,
    MISSING_USER,
    NO_SESSION,
    UNKNOWN_ID,
    make_team,
    query_count,
    v3,
)

pytestmark = pytest.mark.django_db

MISSING_MEMBER = "store.sql_team.get_member.missing.app_error"


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    """Alice's open team; bob is a plain member."""
    team = make_team(user, "alpha")
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def carol(db: None) -> User:
    return user_create(username="carol", email="carol@example.com", password="passw0rd!")


@pytest.fixture
def carol_token(carol: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(carol)[1]


def is_member(team: Team, user: User) -> bool:
    return TeamMember.objects.filter(team=team, user=user, delete_at=0).exists()


class TestMemberLists:
    def test_a_window_of_members(
        self, client: Client, team: Team, user: User, other_user: User, bob_token: str
    ) -> None:
        body = v3(client, "get", f"/teams/{team.id}/members/0/100", bob_token).json()
        assert {m["user_id"]: m["roles"] for m in body} == {
            user.id: "team_user team_admin",
            other_user.id: "team_user",
        }
        assert set(body[0]) == {"team_id", "user_id", "roles", "delete_at"}
        assert len(v3(client, "get", f"/teams/{team.id}/members/1/1", bob_token).json()) == 1

    def test_the_classic_list(self, client: Client, team: Team, bob_token: str) -> None:
        assert len(v3(client, "get", f"/teams/members/{team.id}", bob_token).json()) == 2

    def test_by_ids(self, client: Client, team: Team, other_user: User, bob_token: str) -> None:
        url = f"/teams/{team.id}/members/ids"
        body = v3(client, "post", url, bob_token, [other_user.id, UNKNOWN_ID]).json()
        assert [m["user_id"] for m in body] == [other_user.id]
        assert_error(v3(client, "post", url, bob_token, []), 400, INVALID_PARAM)

    def test_one_member_also_after_they_left(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        url = f"/teams/{team.id}/members/{other_user.id}"
        assert v3(client, "get", url, token).json()["delete_at"] == 0
        team_member_remove(team=team, user=other_user)
        assert v3(client, "get", url, token).json()["delete_at"] > 0
        missing = f"/teams/{team.id}/members/{UNKNOWN_ID}"
        assert_error(v3(client, "get", missing, token), 404, MISSING_MEMBER)

    @pytest.mark.parametrize(
        "suffix", ["members/0/10", "members/ids", f"members/{UNKNOWN_ID}", "stats"]
    )
    def test_other_teams_are_forbidden(
        self, client: Client, team: Team, carol_token: str, suffix: str
    ) -> None:
        method = "post" if suffix == "members/ids" else "get"
        body = [UNKNOWN_ID] if method == "post" else None
        response = v3(client, method, f"/teams/{team.id}/{suffix}", carol_token, body)
        assert_error(response, 403, FORBIDDEN)

    def test_the_window_costs_the_same_queries_for_one_member_as_for_many(
        self, client: Client, user: User, token: str
    ) -> None:
        team = make_team(user, "solo")
        url = f"/teams/{team.id}/members/0/100"
        one = query_count(lambda: v3(client, "get", url, token))
        for n in range(6):
            member = user_create(username=f"m{n}", email=f"m{n}@example.com", password="x" * 8)
            team_member_add(team=team, user=member)
        assert query_count(lambda: v3(client, "get", url, token)) == one


class TestAddAndRemove:
    def test_a_member_adds_someone_and_gets_the_request_back(
        self, client: Client, team: Team, carol: User, bob_token: str
    ) -> None:
        body = {"user_id": carol.id}
        response = v3(client, "post", f"/teams/{team.id}/add_user_to_team", bob_token, body)
        assert response.json() == body
        assert is_member(team, carol)

    def test_adding_is_seen_through_v4(
        self, client: Client, team: Team, carol: User, token: str
    ) -> None:
        v3(client, "post", f"/teams/{team.id}/add_user_to_team", token, {"user_id": carol.id})
        v4 = client.get(f"/api/v4/teams/{team.id}/members/{carol.id}", **bearer(token))
        assert v4.json()["roles"] == "team_user"

    def test_adding_errors(self, client: Client, team: Team, carol_token: str, token: str) -> None:
        url = f"/teams/{team.id}/add_user_to_team"
        assert_error(v3(client, "post", url, carol_token, {"user_id": UNKNOWN_ID}), 403, FORBIDDEN)
        assert_error(v3(client, "post", url, token, {"user_id": "short"}), 400, INVALID_PARAM)
        assert_error(v3(client, "post", url, token, {"user_id": UNKNOWN_ID}), 404, MISSING_USER)
        assert_error(v3(client, "post", url, body={"user_id": UNKNOWN_ID}), 401, NO_SESSION)

    def test_members_leave_and_admins_remove(
        self,
        client: Client,
        team: Team,
        user: User,
        other_user: User,
        carol: User,
        token: str,
        bob_token: str,
    ) -> None:
        team_member_add(team=team, user=carol)
        url = f"/teams/{team.id}/remove_user_from_team"
        assert_error(v3(client, "post", url, bob_token, {"user_id": carol.id}), 403, FORBIDDEN)
        assert v3(client, "post", url, token, {"user_id": carol.id}).json() == {"user_id": carol.id}
        assert not is_member(team, carol)
        assert v3(client, "post", url, bob_token, {"user_id": other_user.id}).status_code == 200
        assert not is_member(team, other_user)

    def test_removing_someone_who_is_not_a_member_is_a_400(
        self, client: Client, team: Team, carol: User, token: str
    ) -> None:
        url = f"/teams/{team.id}/remove_user_from_team"
        assert_error(
            v3(client, "post", url, token, {"user_id": carol.id}),
            400,
            "api.team.remove_user_from_team.missing.app_error",
        )


class TestMemberRoles:
    def url(self, team: Team) -> str:
        return f"/teams/{team.id}/update_member_roles"

    def test_the_teams_admin_promotes_a_member(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        body = {"user_id": other_user.id, "new_roles": "team_user team_admin"}
        assert v3(client, "post", self.url(team), token, body).json() == {"status": "ok"}
        assert TeamMember.objects.get(team=team, user=other_user).scheme_admin

    def test_plain_members_may_not(
        self, client: Client, team: Team, user: User, bob_token: str
    ) -> None:
        body = {"user_id": user.id, "new_roles": "team_user"}
        assert_error(v3(client, "post", self.url(team), bob_token, body), 403, FORBIDDEN)

    @pytest.mark.parametrize(
        "body", [{"user_id": "x", "new_roles": "team_user"}, {"new_roles": "Team User!"}]
    )
    def test_bad_parameters_are_a_400(
        self, client: Client, team: Team, other_user: User, token: str, body: dict[str, str]
    ) -> None:
        body = {"user_id": other_user.id, **body}
        assert_error(v3(client, "post", self.url(team), token, body), 400, INVALID_PARAM)

    def test_a_non_member_is_a_404(
        self, client: Client, team: Team, carol: User, token: str
    ) -> None:
        body = {"user_id": carol.id, "new_roles": "team_user"}
        assert_error(v3(client, "post", self.url(team), token, body), 404, MISSING_MEMBER)


class TestJoinFromInvite:
    URL = "/teams/add_user_to_team_from_invite"

    def test_joins_and_answers_with_the_team(
        self, client: Client, team: Team, carol: User, carol_token: str
    ) -> None:
        response = v3(client, "post", self.URL, carol_token, {"invite_id": team.invite_id})
        assert response.json()["id"] == team.id
        assert response.json()["email"] == ""
        assert is_member(team, carol)

    @pytest.mark.parametrize("body", [{}, {"hash": "abc", "data": "def"}])
    def test_without_an_invite_id_the_link_is_invalid(
        self, client: Client, carol_token: str, body: dict[str, str]
    ) -> None:
        assert_error(
            v3(client, "post", self.URL, carol_token, body),
            400,
            "api.user.create_user.signup_link_invalid.app_error",
        )

    def test_an_unknown_invite_id_is_a_404(self, client: Client, carol_token: str) -> None:
        assert_error(
            v3(client, "post", self.URL, carol_token, {"invite_id": "nope"}),
            404,
            "app.team.get_by_invite_id.finding.app_error",
        )

    def test_needs_a_session(self, client: Client, team: Team) -> None:
        body = {"invite_id": team.invite_id}
        assert_error(v3(client, "post", self.URL, body=body), 401, NO_SESSION)
