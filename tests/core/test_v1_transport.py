"""The transport rules every API v1 route shares: where the token comes from (header,
multi-token cookie, query), the session's team, 1.x error bodies and statuses, methods."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.core.api.v1.base import v1_error
from apps.core.errors import AppError
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_leave
from tests.v1_fixtures import V1Api, assert_v1_error, assert_v1_not_found_page

pytestmark = pytest.mark.django_db

EXPIRED = "The session is missing, invalid or expired; please log in again."


@pytest.fixture
def beta(user: User) -> Team:
    """A second team of alice's (joined after alpha)."""
    return team_create(creator=user, display_name="Beta Team", name="beta", type="O")


def team_name(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return str(response.json()["name"])


class TestTokenLocations:
    def test_bearer_and_token_headers_in_any_case(self, v1: V1Api) -> None:
        for scheme in ("Bearer", "BEARER", "token"):
            response = v1.client.get("/api/v1/teams/me", HTTP_AUTHORIZATION=f"{scheme} {v1.token}")
            assert team_name(response) == "alpha"

    def test_a_single_token_cookie_needs_no_index(self, v1: V1Api) -> None:
        response = Client().get("/api/v1/teams/me", HTTP_COOKIE=f"MMTOKEN={v1.token}")
        assert team_name(response) == "alpha"

    def test_the_header_wins_over_the_cookie(
        self, v1: V1Api, beta: Team, user: User, v1_login: Callable[[User, Team], str]
    ) -> None:
        cookie = f"MMTOKEN={v1_login(user, beta)}"
        response = Client().get(
            "/api/v1/teams/me", HTTP_COOKIE=cookie, HTTP_AUTHORIZATION=f"Bearer {v1.token}"
        )
        assert team_name(response) == "alpha"

    def test_a_multi_token_cookie_needs_an_index(
        self, v1: V1Api, beta: Team, user: User, v1_login: Callable[[User, Team], str]
    ) -> None:
        cookie = f'MMTOKEN="{v1.token} {v1_login(user, beta)}"'
        browser = Client()
        assert (
            team_name(browser.get("/api/v1/teams/me", HTTP_COOKIE=cookie, HTTP_X_MM_TOKENINDEX="0"))
            == "alpha"
        )
        assert (
            team_name(browser.get("/api/v1/teams/me", HTTP_COOKIE=cookie, HTTP_X_MM_TOKENINDEX="1"))
            == "beta"
        )
        assert (
            team_name(browser.get("/api/v1/teams/me?session_token_index=1", HTTP_COOKIE=cookie))
            == "beta"
        )
        # The query parameter wins over the header, even when it is unusable.
        response = browser.get(
            "/api/v1/teams/me?session_token_index=x", HTTP_COOKIE=cookie, HTTP_X_MM_TOKENINDEX="0"
        )
        assert_v1_error(response, 401, EXPIRED)
        for index in ("", "2", "-1", "one"):
            response = browser.get(
                "/api/v1/teams/me", HTTP_COOKIE=cookie, HTTP_X_MM_TOKENINDEX=index
            )
            assert_v1_error(response, 401, EXPIRED)
        assert_v1_error(browser.get("/api/v1/teams/me", HTTP_COOKIE=cookie), 401, EXPIRED)

    def test_a_session_token_in_the_query_is_refused(self, v1: V1Api) -> None:
        response = Client().get(f"/api/v1/teams/me?access_token={v1.token}")
        assert_v1_error(response, 401)

    def test_an_unknown_token_is_a_401_where_a_session_is_needed(self, client: Client) -> None:
        response = V1Api(client, "x" * 26).get("teams/me")
        assert_v1_error(response, 401, EXPIRED)

    def test_a_cookie_write_must_come_from_a_page_script(self, v1: V1Api, alpha: Team) -> None:
        browser = Client()
        cookie = f"MMTOKEN={v1.token}"
        channel = alpha.channels.get(name="off-topic")
        path = f"/api/v1/channels/{channel.id}/update_last_viewed_at"
        # Without proof the request is anonymous (1.x had no such rule).
        assert_v1_error(browser.post(path, HTTP_COOKIE=cookie), 401, EXPIRED)
        response = browser.post(path, HTTP_COOKIE=cookie, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 200
        assert response.json() == {"id": channel.id}


class TestSessionTeam:
    def test_a_session_opened_elsewhere_acts_in_the_first_team_joined(
        self,
        client: Client,
        user: User,
        alpha: Team,
        beta: Team,
        login: Callable[..., tuple[Session, str]],
    ) -> None:
        _, token = login(user)  # e.g. an API v4 login: no v1 team
        assert team_name(V1Api(client, token).get("teams/me")) == "alpha"

    def test_a_session_of_a_user_without_team_cannot_act(
        self, client: Client, admin: User, login: Callable[..., tuple[Session, str]]
    ) -> None:
        _, token = login(admin)
        assert_v1_error(V1Api(client, token).get("teams/me"), 401)

    def test_leaving_the_team_ends_what_the_session_may_do(
        self, v1_bob: V1Api, alpha: Team, other_user: User
    ) -> None:
        assert team_name(v1_bob.get("teams/me")) == "alpha"
        team_member_leave(team=alpha, user=other_user, remover=other_user)
        assert_v1_error(v1_bob.get("teams/me"), 401)

    def test_an_archived_team_cannot_be_acted_in(self, v1: V1Api, alpha: Team) -> None:
        Team.objects.filter(pk=alpha.pk).update(delete_at=1)
        assert_v1_error(v1.get("teams/me"), 401)


class TestErrors:
    def test_no_session_is_a_1x_error_body(self, v1_anon: V1Api) -> None:
        body = assert_v1_error(v1_anon.get("teams/me"), 401, EXPIRED)
        assert "id" not in body

    def test_malformed_json_is_a_400(self, v1: V1Api) -> None:
        assert_v1_error(v1.raw_post("channels/create", b'{"name": '), 400)

    @pytest.mark.parametrize(
        ("error", "status"),
        [
            (AppError("app.post.get.app_error", "m", 404), 500),
            (AppError("model.user.is_valid.email.app_error", "m", 400), 500),
            (AppError("store.sql_channel.save.app_error", "m", 400), 500),
            (AppError("app.user.save.email_exists.app_error", "m", 400), 500),
            (AppError("api.context.invalid_body_param.app_error", "m", 400), 400),
            (AppError("api.context.permissions.app_error", "m", 403), 403),
            (AppError("api.channel.remove.default.app_error", "m", 400), 403),
            (AppError("api.context.rate_limit_exceeded.app_error", "m", 429), 429),
        ],
    )
    def test_statuses_are_1x_ones(self, error: AppError, status: int) -> None:
        assert v1_error(error).status_code == status

    def test_a_changed_status_keeps_our_message(self) -> None:
        error = AppError("api.channel.delete_channel.cannot.app_error", "kept as written", 400)
        assert (v1_error(error).status_code, v1_error(error).message) == (403, "kept as written")


class TestRoutes:
    @pytest.mark.parametrize("path", ["nope", "channels", "preferences", "users/me/"])
    def test_unknown_routes_are_the_html_page(self, v1: V1Api, path: str) -> None:
        assert_v1_not_found_page(v1.get(path))

    @pytest.mark.parametrize("method", ["put", "delete", "patch", "head"])
    def test_only_get_and_post(self, client: Client, method: str) -> None:
        assert_v1_not_found_page(getattr(client, method)("/api/v1/users/me"))

    def test_a_known_route_with_the_other_method_is_unknown(self, v1: V1Api) -> None:
        assert_v1_not_found_page(v1.get("users/login"))
        assert_v1_not_found_page(v1.post("users/me"))
