"""Posts written through the legacy APIs reach the WebSocket like v4 posts: the event
comes from the one service every face calls."""

from __future__ import annotations

import json
from collections.abc import Callable

import requests

from tests.realtime.conftest import Client, LiveServer, World

OpenSocket = Callable[..., Client]


def _posted_to_bob(ws: OpenSocket, world: World, url: str, body: dict[str, str]) -> None:
    bob = ws(token=world.tokens["bob"])
    carol = ws(token=world.tokens["carol"])
    response = requests.post(
        url, json=body, headers={"Authorization": f"Bearer {world.tokens['alice']}"}, timeout=5
    )
    assert response.status_code == 200, response.text
    posted = bob.event("posted")
    post = json.loads(posted["data"]["post"])
    assert post["id"] == response.json()["id"]
    assert (post["message"], post["user_id"]) == (body["message"], world.alice.id)
    assert posted["data"]["channel_name"] == "town-square"
    assert json.loads(posted["data"]["mentions"]) == [world.bob.id]
    assert carol.quiet(0.3) == []


def test_a_post_through_api_v3_arrives_as_posted(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    channel = world.town_square.id
    _posted_to_bob(
        ws,
        world,
        f"{live_asgi.url}/api/v3/teams/{world.team.id}/channels/{channel}/posts/create",
        {"channel_id": channel, "message": "from v3 @bob"},
    )


def test_a_post_through_api_v1_arrives_as_posted(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    channel = world.town_square.id
    _posted_to_bob(
        ws,
        world,
        f"{live_asgi.url}/api/v1/channels/{channel}/create",
        {"channel_id": channel, "message": "from v1 @bob"},
    )
