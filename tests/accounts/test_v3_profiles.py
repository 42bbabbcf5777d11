"""API v3: looking users up — user maps by window, by team and channel, by ids, search,
autocomplete, single lookups and the classic 3.4 profile routes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import user_create, user_set_active
from apps.channels.models import Channel
from apps.channels.services import channel_create, direct_channel_get_or_create
from apps.teams.models import Team
from apps.teams.services import team_member_add
from tests.helpers import assert_error
from tests.helpers_v3 import (
    FORBIDDEN,
    INVALID_PARAM,
    INVALID_URL_PARAM,
    MISSING_USER,
    NO_SESSION,
    make_team,
    query_count,
    v3,
)

pytestmark = pytest.mark.django_db

# A profile as 4.10 listed it: no notification settings, marketing flag, password date.
PROFILE_FIELDS = [
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
    "locale",
    "timezone",
]


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    team = make_team(user, "alpha")
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def outsider(db: None) -> User:
    return user_create(
        username="zed", email="zed@example.com", password="passw0rd!", roles="system_user"
    )


@pytest.fixture
def outsider_token(outsider: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(outsider)[1]


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.fixture
def secret(team: Team, user: User) -> Channel:
    """A private channel only alice is in."""
    return channel_create(team=team, creator=user, name="secret", display_name="S", type="P")


def more_users(count: int) -> None:
    for n in range(count):
        user_create(username=f"user{n}", email=f"user{n}@example.com", password="passw0rd!")


class TestUsersWindow:
    def test_a_map_of_profiles_by_username(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        response = v3(client, "get", "/users/0/100", token)
        assert response.status_code == 200
        body = response.json()
        assert list(body) == sorted([user.id, other_user.id])
        assert list(body[other_user.id]) == PROFILE_FIELDS
        assert body[other_user.id]["email"] == "bob@example.com"

    def test_offset_and_limit_count_rows(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        # alice, bob by username: the second row is bob.
        assert list(v3(client, "get", "/users/1/1", token).json()) == [other_user.id]
        assert v3(client, "get", "/users/5/10", token).json() == {}

    def test_etag_and_304(self, client: Client, user: User, token: str) -> None:
        response = v3(client, "get", "/users/0/100", token)
        assert response["ETag"] == f"4.10.0.{user.update_at}.true.true0.100"
        again = v3(client, "get", "/users/0/100", token, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_numbers_beyond_go_integers_are_a_400(self, client: Client, token: str) -> None:
        assert_error(v3(client, "get", f"/users/{2**64}/10", token), 400, INVALID_PARAM)

    def test_privacy_hides_others_emails_and_names_but_not_ones_own(
        self,
        client: Client,
        user: User,
        other_user: User,
        token: str,
        mm_config: Callable[..., None],
    ) -> None:
        user_create(username="carl", email="carl@example.com", password="x" * 8, first_name="C")
        mm_config(show_email_address=False, show_full_name=False)
        body = v3(client, "get", "/users/0/100", token).json()
        assert body[user.id]["email"] == "alice@example.com"
        assert body[user.id]["first_name"] == "Alice"
        carl = next(p for p in body.values() if p["username"] == "carl")
        assert (carl["email"], carl["first_name"]) == ("", "")

    def test_admins_see_everything(
        self, client: Client, user: User, admin_token: str, mm_config: Callable[..., None]
    ) -> None:
        mm_config(show_email_address=False)
        assert v3(client, "get", "/users/0/100", admin_token).json()[user.id]["email"]

    def test_needs_a_session(self, client: Client) -> None:
        assert_error(v3(client, "get", "/users/0/100"), 401, NO_SESSION)

    def test_costs_the_same_queries_for_one_user_as_for_many(
        self, client: Client, token: str
    ) -> None:
        one = query_count(lambda: v3(client, "get", "/users/0/100", token))
        more_users(10)
        assert query_count(lambda: v3(client, "get", "/users/0/100", token)) == one


class TestTeamUsersWindow:
    def url(self, team: Team) -> str:
        return f"/teams/{team.id}/users/0/100"

    def test_the_teams_members(
        self, client: Client, team: Team, other_user: User, outsider: User, token: str
    ) -> None:
        response = v3(client, "get", self.url(team), token)
        assert response.status_code == 200
        assert other_user.id in response.json()
        assert outsider.id not in response.json()
        again = v3(client, "get", self.url(team), token, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_the_etag_changes_when_someone_joins(
        self, client: Client, team: Team, outsider: User, token: str
    ) -> None:
        before = v3(client, "get", self.url(team), token)["ETag"]
        team_member_add(team=team, user=outsider)
        assert v3(client, "get", self.url(team), token)["ETag"] != before

    def test_other_teams_are_forbidden_except_to_admins(
        self, client: Client, team: Team, outsider_token: str, admin_token: str
    ) -> None:
        assert_error(v3(client, "get", self.url(team), outsider_token), 403, FORBIDDEN)
        assert v3(client, "get", self.url(team), admin_token).status_code == 200

    def test_a_malformed_team_id_is_a_400(self, client: Client, token: str) -> None:
        assert_error(v3(client, "get", "/teams/abc/users/0/10", token), 400, INVALID_URL_PARAM)

    def test_costs_the_same_queries_for_one_member_as_for_many(
        self, client: Client, user: User, token: str
    ) -> None:
        team = make_team(user, "solo")
        one = query_count(lambda: v3(client, "get", self.url(team), token))
        more_users(8)
        for member in User.objects.filter(username__startswith="user"):
            team_member_add(team=team, user=member)
        assert query_count(lambda: v3(client, "get", self.url(team), token)) == one


class TestChannelUsers:
    def test_members_and_non_members_of_a_channel(
        self, client: Client, team: Team, secret: Channel, user: User, other_user: User, token: str
    ) -> None:
        base = f"/teams/{team.id}/channels/{secret.id}/users"
        assert list(v3(client, "get", f"{base}/0/100", token).json()) == [user.id]
        outside = v3(client, "get", f"{base}/not_in_channel/0/100", token).json()
        assert list(outside) == [other_user.id]

    @pytest.mark.parametrize("suffix", ["0/100", "not_in_channel/0/100", "autocomplete"])
    def test_a_channel_one_cannot_read_is_forbidden(
        self,
        client: Client,
        team: Team,
        secret: Channel,
        other_user: User,
        login: Callable[..., tuple[Session, str]],
        suffix: str,
    ) -> None:
        url = f"/teams/{team.id}/channels/{secret.id}/users/{suffix}"
        assert_error(v3(client, "get", url, login(other_user)[1]), 403, FORBIDDEN)

    def test_autocomplete_splits_members_from_the_rest_of_the_team(
        self, client: Client, team: Team, secret: Channel, user: User, other_user: User, token: str
    ) -> None:
        url = f"/teams/{team.id}/channels/{secret.id}/users/autocomplete?term="
        body = v3(client, "get", url, token).json()
        assert [p["id"] for p in body["in_channel"]] == [user.id]
        assert [p["id"] for p in body["out_of_channel"]] == [other_user.id]

    def test_costs_the_same_queries_for_one_member_as_for_many(
        self, client: Client, team: Team, secret: Channel, token: str
    ) -> None:
        url = f"/teams/{team.id}/channels/{secret.id}/users/not_in_channel/0/100"
        one = query_count(lambda: v3(client, "get", url, token))
        more_users(6)
        for member in User.objects.filter(username__startswith="user"):
            team_member_add(team=team, user=member)
        assert query_count(lambda: v3(client, "get", url, token)) == one


class TestUsersByIds:
    def test_a_map_of_the_users_found(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        body = v3(client, "post", "/users/ids", token, [other_user.id, "q" * 26]).json()
        assert list(body) == [other_user.id]

    @pytest.mark.parametrize("body", [[], {"ids": []}, [1, 2], "x"])
    def test_anything_but_a_list_of_ids_is_a_400(
        self, client: Client, token: str, body: object
    ) -> None:
        assert_error(v3(client, "post", "/users/ids", token, body), 400, INVALID_PARAM)


class TestSearch:
    def test_finds_by_the_start_of_names(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        body = v3(client, "post", "/users/search", token, {"term": "bo", "team_id": team.id})
        assert [p["id"] for p in body.json()] == [other_user.id]

    @pytest.mark.parametrize(
        "body", [{"term": ""}, {"term": 3}, {"term": "a", "allow_inactive": "yes"}, ["a"]]
    )
    def test_a_bad_search_is_a_400(self, client: Client, token: str, body: object) -> None:
        assert_error(v3(client, "post", "/users/search", token, body), 400, INVALID_PARAM)

    def test_a_team_one_is_not_in_is_forbidden(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        body = {"term": "a", "team_id": team.id}
        assert_error(v3(client, "post", "/users/search", outsider_token, body), 403, FORBIDDEN)

    def test_deactivated_users_only_when_asked(
        self, client: Client, other_user: User, token: str
    ) -> None:
        user_set_active(user=other_user, active=False)
        assert v3(client, "post", "/users/search", token, {"term": "bob"}).json() == []
        found = v3(client, "post", "/users/search", token, {"term": "bob", "allow_inactive": True})
        assert [p["username"] for p in found.json()] == ["bob"]


class TestAutocomplete:
    def test_everyone(self, client: Client, other_user: User, token: str) -> None:
        body = v3(client, "get", "/users/autocomplete?term=bo", token).json()
        assert [p["id"] for p in body] == [other_user.id]

    def test_in_a_team(
        self, client: Client, team: Team, other_user: User, outsider: User, token: str
    ) -> None:
        url = f"/teams/{team.id}/users/autocomplete?term="
        body = v3(client, "get", url, token).json()
        assert list(body) == ["in_team"]
        assert outsider.id not in {p["id"] for p in body["in_team"]}
        assert other_user.id in {p["id"] for p in body["in_team"]}

    def test_in_someone_elses_team_is_forbidden(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        url = f"/teams/{team.id}/users/autocomplete?term=a"
        assert_error(v3(client, "get", url, outsider_token), 403, FORBIDDEN)


class TestSingleUser:
    def test_by_id_with_etag(self, client: Client, other_user: User, token: str) -> None:
        response = v3(client, "get", f"/users/{other_user.id}/get", token)
        assert list(response.json()) == PROFILE_FIELDS
        assert response["ETag"] == f"4.10.0.{other_user.id}.{other_user.update_at}.true.true"
        url = f"/users/{other_user.id}/get"
        assert v3(client, "get", url, token, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_unknown_and_malformed_ids(self, client: Client, token: str) -> None:
        assert_error(v3(client, "get", f"/users/{'q' * 26}/get", token), 404, MISSING_USER)
        assert_error(v3(client, "get", "/users/abc/get", token), 400, INVALID_URL_PARAM)

    def test_by_username(self, client: Client, other_user: User, token: str) -> None:
        response = v3(client, "get", "/users/name/bob", token)
        assert response.json()["id"] == other_user.id
        assert response["ETag"]
        assert_error(
            v3(client, "get", "/users/name/nobody", token),
            404,
            "store.sql_user.get_by_username.app_error",
        )

    def test_by_email(
        self, client: Client, other_user: User, token: str, mm_config: Callable[..., None]
    ) -> None:
        assert v3(client, "get", "/users/email/bob@example.com", token).json()["username"] == "bob"
        assert_error(v3(client, "get", "/users/email/no@example.com", token), 404, MISSING_USER)
        mm_config(show_email_address=False)
        assert_error(v3(client, "get", "/users/email/bob@example.com", token), 403, FORBIDDEN)

    @pytest.mark.parametrize(
        "path", ["/users/name/bob", "/users/email/bob@example.com", f"/users/{'q' * 26}/get"]
    )
    def test_needs_a_session(self, client: Client, path: str) -> None:
        assert_error(v3(client, "get", path), 401, NO_SESSION)


class TestClassicProfiles:
    def test_profiles_of_a_team(
        self, client: Client, team: Team, user: User, other_user: User, token: str
    ) -> None:
        body = v3(client, "get", f"/users/profiles/{team.id}", token).json()
        assert set(body) == {user.id, other_user.id}

    def test_profiles_of_another_team_are_forbidden(
        self, client: Client, team: Team, outsider_token: str
    ) -> None:
        url = f"/users/profiles/{team.id}"
        assert_error(v3(client, "get", url, outsider_token), 403, FORBIDDEN)

    def test_direct_profiles_are_the_people_one_has_direct_channels_with(
        self, client: Client, user: User, other_user: User, outsider: User, token: str
    ) -> None:
        direct_channel_get_or_create(user=user, other_user=other_user)
        assert list(v3(client, "get", "/users/direct_profiles", token).json()) == [other_user.id]


class TestListBudgets:
    """Every list costs the same queries however many users it holds."""

    @pytest.fixture
    def lists(self, team: Team, user: User) -> list[tuple[str, str, object]]:
        ids = list(User.objects.values_list("id", flat=True))
        return [
            ("post", "/users/ids", ids),
            ("post", "/users/search", {"term": "u"}),
            ("get", "/users/autocomplete?term=u", None),
            ("get", f"/teams/{team.id}/users/autocomplete?term=u", None),
            ("get", f"/users/profiles/{team.id}", None),
            ("get", "/users/direct_profiles", None),
        ]

    def test_one_user_or_many(
        self, client: Client, team: Team, user: User, token: str, lists: list
    ) -> None:
        def cost(method: str, path: str, body: object) -> int:
            return query_count(lambda: v3(client, method, path, token, body))

        def costs() -> list[int]:
            return [cost(*call) for call in lists]

        direct_channel_get_or_create(user=user, other_user=user)
        before = costs()
        more_users(6)
        for member in User.objects.filter(username__startswith="user"):
            team_member_add(team=team, user=member)
            direct_channel_get_or_create(user=user, other_user=member)
        lists[0] = ("post", "/users/ids", list(User.objects.values_list("id", flat=True)))
        assert costs() == before
