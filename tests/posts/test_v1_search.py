"""``GET /api/v1/posts/search?terms=``: the shared search in the session's team."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.channels.services import channel_create
from apps.posts.services import post_create
from apps.teams.models import Team
from apps.teams.services import team_create
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db


def found(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"
    body = response.json()
    assert set(body) == {"order", "posts"}
    assert all(post["filenames"] == [] for post in body["posts"].values())
    return [body["posts"][post_id]["message"] for post_id in body["order"]]


def test_finds_in_the_session_team_only(v1: V1Api, alpha: Team, user: User) -> None:
    square = Channel.objects.get(team=alpha, name="town-square")
    post_create(author=user, channel=square, message="the quarterly report")
    other = team_create(creator=user, display_name="Other", name="other", type="O")
    post_create(
        author=user,
        channel=Channel.objects.get(team=other, name="town-square"),
        message="another report",
    )
    assert found(v1.get("posts/search?terms=report")) == ["the quarterly report"]


def test_private_channels_of_others_stay_hidden(
    v1: V1Api, v1_bob: V1Api, alpha: Team, user: User
) -> None:
    secret = channel_create(team=alpha, creator=user, name="s", display_name="S", type="P")
    post_create(author=user, channel=secret, message="hidden report")
    assert found(v1.get("posts/search?terms=report")) == ["hidden report"]
    assert found(v1_bob.get("posts/search?terms=report")) == []


def test_terms_are_required(v1: V1Api) -> None:
    assert_v1_error(v1.get("posts/search"), 400)
    assert_v1_error(v1.get("posts/search?terms="), 400)


def test_a_session_is_required(v1_anon: V1Api) -> None:
    assert_v1_error(v1_anon.get("posts/search?terms=x"), 401)
