"""A NUL character can be stored nowhere (PostgreSQL refuses it in text and JSON columns)
and no client has a reason to send one: wherever it arrives, in the URL, in a JSON body
or in a webhook's payload, the request is refused with a 400 before anything is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.posts.models import Post
from apps.teams.services import team_create
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"


@pytest.fixture
def town_square(user: User) -> Channel:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    return Channel.objects.get(team=team, name="town-square")


def send(client: Client, method: str, url: str, token: str, body: Any) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(token)
    )


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hi\u0000there"},
        {"message": "hi", "props": {"card": "\u0000"}},
        {"message": "hi", "props": {"key\u0000": "x"}},
        {"message": "hi", "file_ids": ["\u0000"]},
    ],
)
def test_a_post_body_with_a_nul_is_400_and_nothing_is_posted(
    client: Client, token: str, town_square: Channel, body: dict[str, Any]
) -> None:
    resp = send(client, "post", "/api/v4/posts", token, {"channel_id": town_square.id, **body})
    assert_error(resp, 400, BAD_BODY)
    assert not Post.objects.filter(channel=town_square).exclude(type__startswith="system_").exists()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v4/users/login", {"login_id": "alice\u0000", "password": "x"}),
        ("put", "/api/v4/users/me/patch", {"nickname": "a\u0000"}),
        ("post", "/api/v4/users/search", {"term": "a\u0000"}),
    ],
)
def test_other_bodies_with_a_nul_are_400(
    client: Client, token: str, user: User, method: str, url: str, body: Any
) -> None:
    assert_error(send(client, method, url, token, body), 400, BAD_BODY)
    user.refresh_from_db()
    assert user.nickname == ""


def test_an_escaped_backslash_before_u0000_is_plain_text(
    client: Client, token: str, town_square: Channel
) -> None:
    message = "a path like C:\\u0000 is text"
    resp = send(
        client, "post", "/api/v4/posts", token, {"channel_id": town_square.id, "message": message}
    )
    assert resp.status_code == 201
    assert resp.json()["message"] == message


@pytest.mark.parametrize(
    "url",
    [
        "/api/v4/users/username/al%00ice",
        "/api/v4/users/autocomplete?name=%00",
        "/api/v4/teams/name/al%00pha",
        "/api/v3/users/me?x=%00",
        "/api/v1/users/me?x=%00",
    ],
)
def test_a_url_with_a_nul_is_400(client: Client, token: str, url: str) -> None:
    resp = client.get(url, **bearer(token))
    assert resp.status_code == 400
    assert BAD_URL in resp.content.decode()
