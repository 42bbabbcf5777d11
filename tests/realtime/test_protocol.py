"""The WebSocket protocol as Mattermost clients speak it: authentication, ``hello``,
``seq`` and ``seq_reply``, the actions, and resuming a dropped connection."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.conf import LazySettings

from apps.accounts.services import status_set
from apps.core.events import Broadcast, publish
from apps.core.ids import is_valid_id, new_id
from apps.core.middleware import version_header
from apps.realtime import hub as hub_module
from tests.realtime.conftest import WAIT, Client, LiveServer, World

OpenSocket = Callable[..., Client]


def nudge(world: World, n: int = 1, *, witness: Client | None = None) -> None:
    """``n`` events to town-square, in order; with a ``witness`` (another member's socket),
    wait until the hub has delivered them (the bus may take a moment)."""
    batch = new_id()
    for i in range(n):
        publish(
            "custom_event", {"n": i, "batch": batch}, Broadcast(channel_id=world.town_square.id)
        )
    if witness is not None:
        while witness.event("custom_event")["data"] != {"n": n - 1, "batch": batch}:
            pass


def test_challenge_answers_hello_with_seq_0_then_ok(ws: OpenSocket, world: World) -> None:
    client = ws()
    client.request(1, "authentication_challenge", {"token": world.tokens["alice"]})
    hello = client.receive()
    assert hello["event"] == "hello"
    assert hello["seq"] == 0
    assert hello["data"]["server_version"] == version_header()
    assert is_valid_id(hello["data"]["connection_id"])
    assert hello["broadcast"] == {
        "omit_users": None,
        "user_id": world.alice.id,
        "channel_id": "",
        "team_id": "",
        "connection_id": "",
        "omit_connection_id": "",
    }
    assert client.receive() == {"status": "OK", "seq_reply": 1}


@pytest.mark.parametrize("scheme", ["Bearer", "BEARER", "Token"])
def test_the_upgrade_authenticates_with_the_authorization_header(
    ws: OpenSocket, world: World, scheme: str
) -> None:
    client = ws(headers={"Authorization": f"{scheme} {world.tokens['alice']}"})
    hello = client.receive()
    assert (hello["event"], hello["seq"]) == ("hello", 0)
    assert hello["broadcast"]["user_id"] == world.alice.id


def test_the_upgrade_authenticates_with_the_session_cookie(ws: OpenSocket, world: World) -> None:
    client = ws(headers={"Cookie": f"MMAUTHTOKEN={world.tokens['bob']}"})
    assert client.receive()["broadcast"]["user_id"] == world.bob.id


def test_a_challenge_on_an_authenticated_socket_is_ignored(ws: OpenSocket, world: World) -> None:
    client = ws(token=world.tokens["alice"])
    client.request(2, "authentication_challenge", {"token": world.tokens["bob"]})
    client.request(3, "ping")
    reply = client.receive()
    assert reply["seq_reply"] == 3  # nothing for seq 2: no reply, no second hello


@pytest.mark.parametrize("data", [{"token": "x" * 26}, {"token": 42}, {}])
def test_a_bad_challenge_closes_the_socket(ws: OpenSocket, world: World, data: dict) -> None:
    client = ws()
    client.request(1, "authentication_challenge", data)
    assert client.closed_within(2)


def test_an_unknown_upgrade_token_leaves_the_socket_anonymous(ws: OpenSocket, world: World) -> None:
    client = ws(headers={"Authorization": "Bearer " + "y" * 26})
    client.challenge(world.tokens["alice"])  # the challenge still works


def test_an_unauthenticated_socket_is_closed_after_the_timeout(
    settings: LazySettings, ws: OpenSocket, world: World
) -> None:
    logged_in = ws(token=world.tokens["alice"])
    settings.WEBSOCKET_AUTH_TIMEOUT_SECONDS = 0.3  # read when a socket opens
    anonymous = ws()
    assert anonymous.closed_within(WAIT)
    assert anonymous.socket.close_code == 1008
    assert not logged_in.closed_within(0.5)


def test_requests_need_authentication_first(ws: OpenSocket, world: World) -> None:
    client = ws()
    client.request(1, "ping")
    reply = client.receive()
    assert reply["status"] == "FAIL"
    assert reply["seq_reply"] == 1
    assert reply["error"]["id"] == "api.web_socket_router.not_authenticated.app_error"
    assert reply["error"]["status_code"] == 401


def test_ping_replies_pong_without_using_a_sequence_number(ws: OpenSocket, world: World) -> None:
    client = ws(token=world.tokens["alice"])
    client.request(7, "ping")
    reply = client.receive()
    assert set(reply) == {"status", "seq_reply", "data"}
    assert (reply["status"], reply["seq_reply"]) == ("OK", 7)
    assert reply["data"]["text"] == "pong"
    assert reply["data"]["version"] == "10.3.0"
    assert reply["data"]["node_id"] == ""
    assert isinstance(reply["data"]["server_time"], int)
    nudge(world)
    assert client.event("custom_event")["seq"] == 1  # hello was 0; the reply took none


def test_events_are_numbered_consecutively_per_connection(ws: OpenSocket, world: World) -> None:
    witness = ws(token=world.tokens["bob"])
    first = ws(token=world.tokens["alice"])
    nudge(world, 2, witness=witness)
    second = ws(token=world.tokens["alice"])
    nudge(world, 3, witness=witness)
    assert [e["seq"] for e in first.quiet()] == [1, 2, 3, 4, 5]
    later = second.quiet()
    assert [e["seq"] for e in later] == [1, 2, 3]
    assert [e["data"]["n"] for e in later] == [0, 1, 2]


@pytest.mark.parametrize(
    ("request_", "error_id"),
    [
        ({"seq": 1, "action": ""}, "api.web_socket_router.no_action.app_error"),
        ({"seq": 0, "action": "ping"}, "api.web_socket_router.bad_seq.app_error"),
        ({"seq": -3, "action": "ping"}, "api.web_socket_router.bad_seq.app_error"),
        ({"seq": 1, "action": "no_such_action"}, "api.web_socket_router.bad_action.app_error"),
    ],
)
def test_bad_requests_get_an_error_reply(
    ws: OpenSocket, world: World, request_: dict, error_id: str
) -> None:
    client = ws(token=world.tokens["alice"])
    client.send(request_)
    reply = client.receive()
    assert reply["status"] == "FAIL"
    assert reply["seq_reply"] == request_["seq"]
    assert reply["error"]["id"] == error_id
    assert set(reply["error"]) == {"id", "message", "detailed_error", "status_code"}


@pytest.mark.parametrize(
    "message", ["not json", "[1, 2]", '{"seq": "1", "action": "ping"}', '{"seq": 1, "data": 5}']
)
def test_a_message_that_is_no_request_closes_the_socket(
    ws: OpenSocket, world: World, message: str
) -> None:
    client = ws(token=world.tokens["alice"])
    client.send(message)
    assert client.closed_within(2)


def test_typing_reaches_the_other_members_only(ws: OpenSocket, world: World) -> None:
    alice, bob, carol = (ws(token=world.tokens[name]) for name in ("alice", "bob", "carol"))
    alice.request(2, "user_typing", {"channel_id": world.town_square.id, "parent_id": "p" * 26})
    assert alice.receive() == {"status": "OK", "seq_reply": 2}
    typing = bob.event("typing")
    assert typing["data"] == {"parent_id": "p" * 26, "user_id": world.alice.id}
    assert typing["broadcast"]["channel_id"] == world.town_square.id
    assert typing["broadcast"]["omit_users"] == {world.alice.id: True}
    assert alice.quiet(0.3) == []
    assert carol.quiet(0.3) == []


@pytest.mark.parametrize("channel", ["private", "town_square", "bad"])
def test_typing_needs_create_post_in_the_channel(
    ws: OpenSocket, world: World, channel: str
) -> None:
    channel_id = "not-an-id" if channel == "bad" else getattr(world, channel).id
    carol = ws(token=world.tokens["carol"])  # in neither channel
    carol.request(2, "user_typing", {"channel_id": channel_id})
    reply = carol.receive()
    assert reply["status"] == "FAIL"
    assert reply["error"]["id"] == "api.websocket_handler.invalid_param.app_error"


def test_statuses(ws: OpenSocket, world: World) -> None:
    status_set(user_id=world.bob.id, status="dnd")
    client = ws(token=world.tokens["alice"])  # connecting made alice online
    client.request(2, "get_statuses_by_ids", {"user_ids": [world.bob.id, world.carol.id]})
    reply = client.receive()
    assert reply["data"] == {world.bob.id: "dnd", world.carol.id: "offline"}
    client.request(3, "get_statuses")
    assert client.receive()["data"] == {world.alice.id: "online", world.bob.id: "dnd"}


@pytest.mark.parametrize("data", [{}, {"user_ids": []}, {"user_ids": "x"}, {"user_ids": [1]}])
def test_statuses_by_ids_needs_ids(ws: OpenSocket, world: World, data: dict) -> None:
    client = ws(token=world.tokens["alice"])
    client.request(2, "get_statuses_by_ids", data)
    assert client.receive()["error"]["id"] == "api.websocket_handler.invalid_param.app_error"


def _resume(live_asgi: LiveServer, token: str, connection_id: str, sequence_number: int) -> Client:
    query = f"?connection_id={connection_id}&sequence_number={sequence_number}"
    return Client(live_asgi.ws_url + query, {"Authorization": f"Bearer {token}"})


def test_a_reconnect_replays_what_was_missed(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    token = world.tokens["alice"]
    bob = ws(token=world.tokens["bob"])
    client = ws(headers={"Authorization": f"Bearer {token}"})
    connection_id = client.receive()["data"]["connection_id"]
    nudge(world, 2)
    assert [e["seq"] for e in client.quiet()] == [1, 2]
    client.close()
    live_asgi.wait_detached(connection_id)
    nudge(world, 3, witness=bob)  # seq 3, 4, 5 while away
    back = _resume(live_asgi, token, connection_id, 2)  # it saw 1 and lost 2
    try:
        replayed = back.quiet()
        assert [e["seq"] for e in replayed] == [2, 3, 4, 5]
        assert [e["data"]["n"] for e in replayed] == [1, 0, 1, 2]
        nudge(world)
        assert back.receive()["seq"] == 6
    finally:
        back.close()


def test_a_reconnect_with_nothing_missed_continues_quietly(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    token = world.tokens["alice"]
    client = ws(headers={"Authorization": f"Bearer {token}"})
    connection_id = client.receive()["data"]["connection_id"]
    nudge(world)
    assert client.receive()["seq"] == 1
    client.close()
    live_asgi.wait_detached(connection_id)
    back = _resume(live_asgi, token, connection_id, 2)
    try:
        assert back.quiet() == []
        nudge(world)
        assert back.receive()["seq"] == 2
    finally:
        back.close()


def test_a_reconnect_authenticated_by_challenge_replays_too(
    live_asgi: LiveServer, world: World
) -> None:
    """Mattermost resumes only sockets authenticated at the upgrade; we also resume those
    that authenticate by challenge (Client4 and the Python drivers do that)."""
    token = world.tokens["bob"]
    alice = Client(live_asgi.ws_url)
    alice.challenge(world.tokens["alice"])
    client = Client(live_asgi.ws_url)
    connection_id = client.challenge(token)["data"]["connection_id"]
    client.close()
    live_asgi.wait_detached(connection_id)
    nudge(world, 2, witness=alice)
    back = Client(live_asgi.ws_url + f"?connection_id={connection_id}&sequence_number=1")
    try:
        back.request(1, "authentication_challenge", {"token": token})
        received = back.quiet()
        assert [m.get("seq") for m in received] == [1, 2, None]
        assert received[-1] == {"status": "OK", "seq_reply": 1}
    finally:
        back.close()
        alice.close()


@pytest.mark.parametrize("how", ["evicted", "unknown id", "no sequence number", "other user"])
def test_a_reconnect_that_cannot_be_replayed_starts_with_a_fresh_hello(
    ws: OpenSocket,
    live_asgi: LiveServer,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    monkeypatch.setattr(hub_module, "DEAD_QUEUE_SIZE", 3)
    token = world.tokens["alice"]
    witness = ws(token=world.tokens["bob"])
    client = ws(headers={"Authorization": f"Bearer {token}"})
    connection_id = client.receive()["data"]["connection_id"]
    client.close()
    live_asgi.wait_detached(connection_id)
    nudge(world, 5, witness=witness)  # seq 1..5; only 3, 4, 5 are kept
    query = {
        "evicted": f"?connection_id={connection_id}&sequence_number=1",
        "unknown id": f"?connection_id={'z' * 26}&sequence_number=1",
        "no sequence number": f"?connection_id={connection_id}",
        "other user": f"?connection_id={connection_id}&sequence_number=3",
    }[how]
    if how == "other user":
        token = world.tokens["bob"]
    back = Client(live_asgi.ws_url + query, {"Authorization": f"Bearer {token}"})
    try:
        hello = back.receive()
        assert (hello["event"], hello["seq"]) == ("hello", 0)
        assert hello["data"]["connection_id"] != connection_id
        nudge(world)
        assert back.receive()["seq"] == 1
    finally:
        back.close()


def test_plain_http_to_the_websocket_route_is_a_bad_request(live_asgi: LiveServer) -> None:
    import requests

    response = requests.get(live_asgi.url + "/api/v4/websocket", timeout=5)
    assert response.status_code == 400
    assert response.json()["id"] == "api.web_socket.connect.upgrade.app_error"


def test_a_foreign_origin_is_refused(live_asgi: LiveServer) -> None:
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        Client(live_asgi.ws_url, {"Origin": "https://evil.example.com"})
    assert refused.value.response.status_code == 403
    Client(live_asgi.ws_url, {"Origin": live_asgi.url}).close()


def test_any_event_is_forwarded_to_its_audience(ws: OpenSocket, world: World) -> None:
    """Events the hub knows nothing about (added by other parts of the server) go out as
    published, to whom their broadcast names."""
    alice, bob = ws(token=world.tokens["alice"]), ws(token=world.tokens["bob"])
    thread = json.dumps({"id": "t" * 26, "reply_count": 2})
    publish(
        "thread_updated",
        {"thread": thread, "previous_unread_replies": 1},
        Broadcast(user_id=world.bob.id, team_id=world.team.id),
    )
    event = bob.event("thread_updated")
    assert event["data"] == {"thread": thread, "previous_unread_replies": 1}
    assert event["broadcast"]["user_id"] == world.bob.id
    assert event["broadcast"]["team_id"] == world.team.id
    assert alice.quiet(0.3) == []


def test_a_server_failure_closes_the_socket_and_spares_the_others(
    ws: OpenSocket, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.realtime import access

    bob = ws(token=world.tokens["bob"])

    def broken(credentials: access.Credentials) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(access, "identify", broken)
    client = ws()
    client.request(1, "authentication_challenge", {"token": world.tokens["alice"]})
    assert client.closed_within(3)
    assert client.socket.close_code == 1011
    bob.request(2, "ping")
    assert bob.receive()["seq_reply"] == 2


def test_a_client_that_does_not_keep_up_is_closed() -> None:
    """Events wait in the socket's outbox, never in the hub; a client that falls
    ``SEND_QUEUE_SIZE`` messages behind is closed (it may reconnect and resume)."""
    import asyncio

    from apps.realtime.limits import SEND_QUEUE_SIZE
    from apps.realtime.sockets import Socket

    sent: list[dict] = []

    async def scenario() -> None:
        stuck = asyncio.Event()

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "websocket.send":
                await stuck.wait()  # the client's buffers are full

        socket = Socket(send)
        for n in range(SEND_QUEUE_SIZE + 2):
            socket.send_text(str(n))
        assert socket.closed
        stuck.set()
        await socket.finish()

    asyncio.run(scenario())
    assert sent[-1] == {"type": "websocket.close", "code": 1013}
