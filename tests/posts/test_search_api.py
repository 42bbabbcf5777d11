"""Post search over API v4: POST /teams/{team_id}/posts/search and POST /posts/search.
What the query language finds is tested in test_search_backends.py; here: the wire
(body, answer, headers), the checks and their order, and the query budget."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Session, User
from apps.channels.models import Channel
from apps.channels.services import channel_archive, channel_create
from apps.core.clock import now_ms
from apps.posts.models import Post, Reaction
from apps.posts.services import post_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer, forget_join_notices

pytestmark = pytest.mark.django_db

INVALID_BODY = "api.post.search_posts.invalid_body.app_error"
BODY_PARAM = "api.context.invalid_body_param.app_error"
URL_PARAM = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
RESULT_KEYS = {
    "order",
    "posts",
    "next_post_id",
    "prev_post_id",
    "first_inaccessible_post_time",
    "matches",
}


def search(client: Client, token: str | None, body: Any, team: Team | str | None = None) -> Any:
    """POST a search; ``body`` is sent as JSON unless it is already a string."""
    team_id = team.id if isinstance(team, Team) else team
    path = f"/api/v4/teams/{team_id}/posts/search" if team_id else "/api/v4/posts/search"
    data = body if isinstance(body, str) else json.dumps(body)
    headers = bearer(token) if token else {}
    return client.post(path, data=data, content_type="application/json", **headers)


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    forget_join_notices(team)
    return team


@pytest.fixture
def square(team: Team) -> Channel:
    return Channel.objects.get(team=team, name="town-square")


def say(author: User, channel: Channel, message: str, ago_ms: int, **extra: Any) -> Post:
    return post_create(
        author=author, channel=channel, message=message, create_at=now_ms() - ago_ms, **extra
    )


class TestSearch:
    def test_finds_posts_newest_first_as_a_post_list(
        self, client: Client, token: str, user: User, other_user: User, team: Team, square: Channel
    ) -> None:
        older = say(user, square, "Deploying the release now", 30_000)
        reply = say(other_user, square, "the release went fine", 20_000, root_id=older.id)
        say(user, square, "lunch anyone?", 10_000)

        response = search(client, token, {"terms": "release", "is_or_search": False}, team)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"
        body = response.json()
        assert set(body) == RESULT_KEYS
        assert body["matches"] is None
        assert (body["next_post_id"], body["prev_post_id"]) == ("", "")
        assert body["first_inaccessible_post_time"] == 0
        assert body["order"] == [reply.id, older.id]
        assert set(body["posts"]) == {reply.id, older.id}
        assert body["posts"][reply.id]["message"] == "the release went fine"
        assert body["posts"][reply.id]["root_id"] == older.id
        assert body["posts"][reply.id]["reply_count"] == 1  # its thread's count
        assert body["posts"][older.id]["reply_count"] == 1

    def test_nothing_found_is_an_empty_list(self, client: Client, token: str, team: Team) -> None:
        for terms in ("nothing like this", "   ", "***"):
            body = search(client, token, {"terms": terms}, team).json()
            assert body["order"] == []
            assert body["posts"] == {}
            assert body["matches"] is None

    def test_all_teams(
        self, client: Client, token: str, user: User, team: Team, square: Channel
    ) -> None:
        beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
        there = say(user, Channel.objects.get(team=beta, name="town-square"), "ship it", 1_000)
        here = say(user, square, "ship it too", 2_000)
        assert search(client, token, {"terms": "ship"}, team).json()["order"] == [here.id]
        assert search(client, token, {"terms": "ship"}).json()["order"] == [there.id, here.id]

    def test_options(
        self, client: Client, token: str, user: User, team: Team, square: Channel
    ) -> None:
        coffee = say(user, square, "coffee break", 40_000)
        tea = say(user, square, "tea time", 30_000)
        old = channel_create(team=team, creator=user, name="old", display_name="Old", type="O")
        archived = say(user, old, "coffee from the archive", 20_000)
        channel_archive(channel=old)

        def order(**body: Any) -> list[str]:
            response = search(client, token, body, team)
            assert response.status_code == 200, response.content
            result: list[str] = response.json()["order"]
            return result

        assert order(terms="coffee tea") == []
        assert order(terms="coffee tea", is_or_search=True) == [tea.id, coffee.id]
        assert order(terms="coffee") == [coffee.id]
        assert order(terms="coffee", include_deleted_channels=True) == [archived.id, coffee.id]
        day = _utc_day(tea.create_at)
        assert order(terms=f"on:{day} tea", time_zone_offset=0) == [tea.id]
        # Seen from a day's offset away, the post was made on another day.
        assert order(terms=f"on:{day} tea", time_zone_offset=86_400) == []
        # Mattermost's webapp sends these: null means "not given".
        assert order(terms="tea", is_or_search=None, page=None, per_page=None) == [tea.id]

    def test_pages(
        self, client: Client, token: str, user: User, team: Team, square: Channel
    ) -> None:
        posts = [say(user, square, f"needle {index}", 10_000 - index) for index in range(5)]
        newest = [post.id for post in reversed(posts)]

        def order(**paging: Any) -> list[str]:
            result: list[str] = search(client, token, {"terms": "needle", **paging}, team).json()[
                "order"
            ]
            return result

        assert order() == newest
        assert order(per_page=2) == newest[:2]
        assert order(page=1, per_page=2) == newest[2:4]
        assert order(page=2, per_page=2) == newest[4:]
        assert order(page=3, per_page=2) == []
        assert order(page=-1, per_page=2) == newest[:2]  # a negative page is the first
        assert order(per_page=-5) == newest  # a negative per_page is the default (60)
        assert order(per_page=0) == []
        assert order(page=2**62, per_page=200) == []

    def test_per_page_is_at_most_200(
        self, client: Client, token: str, user: User, team: Team, square: Channel
    ) -> None:
        Post.objects.bulk_create(
            Post(user=user, channel=square, message="haystack", create_at=index)
            for index in range(1, 206)
        )
        assert (
            len(search(client, token, {"terms": "haystack", "per_page": 500}, team).json()["order"])
            == 200
        )

    def test_only_channels_the_user_belongs_to(
        self, client: Client, token: str, user: User, other_user: User, team: Team, square: Channel
    ) -> None:
        bobs = channel_create(
            team=team, creator=other_user, name="bobs", display_name="B", type="O"
        )
        say(other_user, bobs, "secret sauce", 1_000)  # public, but alice never joined
        assert search(client, token, {"terms": "sauce"}, team).json()["order"] == []

    def test_turned_off(
        self, client: Client, token: str, team: Team, mm_config: Callable[..., None]
    ) -> None:
        mm_config(enable_post_search=False)
        response = search(client, token, {"terms": "anything"}, team)
        assert_error(response, 501, "store.sql_post.search.disabled")
        assert_error(
            search(client, token, {"terms": "anything"}), 501, "store.sql_post.search.disabled"
        )

    def test_query_count_does_not_grow_with_results(
        self, client: Client, token: str, user: User, other_user: User, team: Team, square: Channel
    ) -> None:
        def count(results: int) -> int:
            Post.objects.all().delete()
            root = say(user, square, "thread start", 100_000)
            for index in range(results):
                post = say(other_user, square, f"budget {index}", 50_000 - index, root_id=root.id)
                Reaction.objects.create(
                    user=user, post=post, emoji_name="tada", channel_id=square.id
                )
                Post.objects.filter(pk=post.id).update(has_reactions=True)
            body = {"terms": "budget from:bob -from:nobody in:town-square"}
            search(client, token, body, team)  # warm the session cache
            with CaptureQueriesContext(connection) as queries:
                response = search(client, token, body, team)
            assert len(response.json()["order"]) == results
            return len(queries)

        assert count(1) == count(50)


def _utc_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


class TestChecks:
    def test_needs_a_session(self, client: Client, team: Team) -> None:
        assert_error(search(client, None, {"terms": "x"}, team), 401, NO_SESSION)
        assert_error(search(client, None, {"terms": "x"}), 401, NO_SESSION)
        assert_error(search(client, "not-a-token", {"terms": "x"}), 401, NO_SESSION)

    def test_team_id_then_team_membership_then_body(
        self, client: Client, token: str, other_user: User
    ) -> None:
        assert_error(search(client, token, {"terms": "x"}, "not-an-id"), 400, URL_PARAM)
        stranger = team_create(creator=other_user, display_name="Gamma", name="gamma", type="O")
        assert_error(search(client, token, {"terms": "x"}, stranger), 403, FORBIDDEN)
        assert_error(search(client, token, "{broken", stranger), 403, FORBIDDEN)
        assert_error(search(client, token, {"terms": "x"}, "q" * 26), 403, FORBIDDEN)

    def test_an_admin_may_search_any_team(
        self,
        client: Client,
        admin: User,
        other_user: User,
        login: Callable[..., tuple[Session, str]],
    ) -> None:
        root = login(admin)[1]
        stranger = team_create(creator=other_user, display_name="Gamma", name="gamma", type="O")
        assert search(client, root, {"terms": "x"}, stranger).status_code == 200
        assert search(client, root, {"terms": "x"}, "q" * 26).json()["order"] == []

    @pytest.mark.parametrize(
        "body",
        [
            "{broken",
            "",
            "[]",
            '"release"',
            "5",
            {"terms": 5},
            {"terms": ["release"]},
            {"terms": "x", "is_or_search": "true"},
            {"terms": "x", "include_deleted_channels": 1},
            {"terms": "x", "time_zone_offset": 3600.5},
            {"terms": "x", "time_zone_offset": "3600"},
            {"terms": "x", "page": True},
            {"terms": "x", "page": 1.0},
            {"terms": "x", "per_page": "20"},
            {"terms": "x", "page": 2**63},
            "NaN",
        ],
    )
    def test_a_body_of_the_wrong_shape(
        self, client: Client, token: str, team: Team, body: Any
    ) -> None:
        assert_error(search(client, token, body, team), 400, INVALID_BODY)

    @pytest.mark.parametrize(
        "body",
        [
            "null",  # Go decodes it to an empty request: no terms
            {},
            {"terms": ""},
            {"terms": None},
            {"is_or_search": True},
            {"terms": "x", "time_zone_offset": 90_000},
            {"terms": "x", "time_zone_offset": -(2**40)},
        ],
    )
    def test_a_missing_or_unusable_field(
        self, client: Client, token: str, team: Team, body: Any
    ) -> None:
        assert_error(search(client, token, body, team), 400, BODY_PARAM)
        assert_error(search(client, token, body), 400, BODY_PARAM)

    def test_at_most_100_words_hashtags_and_filters(
        self, client: Client, token: str, team: Team
    ) -> None:
        many = " ".join(f"w{index}" for index in range(50))
        tags = " ".join(f"#tag{index}" for index in range(49))
        assert search(client, token, {"terms": f"{many} {tags} from:bob"}, team).status_code == 200
        response = search(client, token, {"terms": f"{many} {tags} from:bob -in:x"}, team)
        assert_error(response, 400, BODY_PARAM)

    def test_other_methods_are_not_routes(self, client: Client, token: str, team: Team) -> None:
        response = client.get(f"/api/v4/teams/{team.id}/posts/search", **bearer(token))
        assert response.status_code == 405
        assert client.get("/api/v4/posts/search", **bearer(token)).status_code == 405
