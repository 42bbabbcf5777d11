"""``POST /api/v3/teams/{team_id}/posts/search``: v3's body over the shared search."""

from __future__ import annotations

from typing import Any

import pytest

from apps.posts.models import Post
from apps.posts.search.selectors import LEGACY_SEARCH_LIMIT
from apps.posts.services import post_create
from tests.channels.v3_setup import FORBIDDEN, INVALID_PARAM, NO_SESSION, V3World, queries_of
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def search(v3: V3World, who: str | None, body: Any, team_id: str = "") -> Any:
    return v3.api(who).post(f"/teams/{team_id or v3.team.id}/posts/search", body)


def found(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"
    body = response.json()
    assert set(body) == {"order", "posts"}
    assert set(body["order"]) == set(body["posts"])
    return [body["posts"][post_id]["message"] for post_id in body["order"]]


@pytest.fixture
def talk(v3: V3World) -> dict[str, Post]:
    said = {}
    for at, (channel, message) in enumerate(
        [
            (v3.dev, "deploy the release tonight"),
            (v3.dev, "release notes are ready"),
            (v3.square, "lunch anyone"),
            (v3.secret, "secret release plans"),
        ]
    ):
        said[message] = post_create(
            author=v3.alice, channel=channel, message=message, create_at=1_700_000_000_000 + at
        )
    return said


def test_words_match_all_by_default_newest_first(v3: V3World, talk: dict[str, Post]) -> None:
    assert found(search(v3, "bob", {"terms": "release"})) == [
        "release notes are ready",
        "deploy the release tonight",
    ]
    assert found(search(v3, "bob", {"terms": "release deploy"})) == ["deploy the release tonight"]


def test_is_or_search_matches_any_word(v3: V3World, talk: dict[str, Post]) -> None:
    assert found(search(v3, "bob", {"terms": "lunch deploy", "is_or_search": True})) == [
        "lunch anyone",
        "deploy the release tonight",
    ]


def test_only_channels_the_caller_can_read(v3: V3World, talk: dict[str, Post]) -> None:
    # alice is in the private channel, bob is not.
    assert "secret release plans" in found(search(v3, "alice", {"terms": "release"}))
    assert "secret release plans" not in found(search(v3, "bob", {"terms": "release"}))


def test_a_post_written_through_v4_is_found_through_v3(v3: V3World) -> None:
    post_create(author=v3.bob, channel=v3.dev, message="written for #search")
    assert found(search(v3, "alice", {"terms": "#search"})) == ["written for #search"]


@pytest.mark.parametrize(
    "body", [None, {}, {"terms": ""}, {"terms": 3}, {"terms": "x", "is_or_search": "yes"}, []]
)
def test_bad_bodies_are_invalid_params(v3: V3World, body: Any) -> None:
    assert_error(search(v3, "bob", body), 400, INVALID_PARAM)


def test_session_and_team_are_checked(v3: V3World) -> None:
    assert_error(search(v3, None, {"terms": "x"}), 401, NO_SESSION)
    assert_error(search(v3, "carol", {"terms": "x"}), 403, FORBIDDEN)
    assert_error(
        search(v3, "bob", {"terms": "x"}, team_id="short"),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_at_most_the_legacy_limit_and_a_fixed_query_count(v3: V3World) -> None:
    post_create(author=v3.alice, channel=v3.dev, message="needle 0")
    found(search(v3, "bob", {"terms": "needle"}))  # the session is cached from now on
    one = queries_of(lambda: search(v3, "bob", {"terms": "needle"}))
    for n in range(1, LEGACY_SEARCH_LIMIT + 5):
        post_create(author=v3.alice, channel=v3.dev, message=f"needle {n}")
    many = queries_of(lambda: search(v3, "bob", {"terms": "needle"}))
    assert many == one
    assert len(found(search(v3, "bob", {"terms": "needle"}))) == LEGACY_SEARCH_LIMIT
