"""Who hears which event: channel members only, a direct message's two users, team
members, the user an event is for; and the sockets of ended sessions close."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests
from django.conf import LazySettings

from apps.accounts.models import Session
from apps.accounts.services import user_patch, user_set_active
from apps.channels.models import Channel
from apps.channels.services import channel_member_add, channel_member_remove
from apps.core.events import Broadcast, publish
from apps.posts.services import post_create
from apps.teams.services import team_member_add, team_member_remove
from tests.realtime.conftest import Client, LiveServer, World

OpenSocket = Callable[..., Client]


def sockets(ws: OpenSocket, world: World) -> tuple[Client, Client, Client]:
    alice, bob, carol = (ws(token=world.tokens[name]) for name in ("alice", "bob", "carol"))
    return alice, bob, carol


def test_a_post_made_through_the_api_arrives_as_posted(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    alice, bob, carol = sockets(ws, world)
    response = requests.post(
        live_asgi.url + "/api/v4/posts",
        json={"channel_id": world.town_square.id, "message": "hello @bob"},
        headers={"Authorization": f"Bearer {world.tokens['alice']}"},
        timeout=5,
    )
    assert response.status_code == 201
    posted = bob.event("posted")
    assert posted["broadcast"]["channel_id"] == world.town_square.id
    data = posted["data"]
    post = json.loads(data["post"])  # a JSON string, as clients expect
    assert post["id"] == response.json()["id"]
    assert (post["message"], post["user_id"], post["root_id"]) == ("hello @bob", world.alice.id, "")
    assert data["channel_type"] == "O"
    assert data["channel_name"] == "town-square"
    assert data["channel_display_name"] == "Town Square"
    assert data["sender_name"] == "@alice"
    assert data["team_id"] == world.team.id
    assert data["set_online"] is True
    assert json.loads(data["mentions"]) == [world.bob.id]
    own = alice.event("posted")
    assert "mentions" not in own["data"]  # only the mentioned user hears they were
    assert own["data"]["post"] == data["post"]
    assert carol.quiet(0.3) == []


def test_a_private_channel_is_heard_by_its_members_only(ws: OpenSocket, world: World) -> None:
    alice, bob, carol = sockets(ws, world)
    post_create(author=world.alice, channel=world.private, message="secret")
    assert json.loads(alice.event("posted")["data"]["post"])["message"] == "secret"
    assert bob.quiet(0.3) == []
    assert carol.quiet(0.3) == []


def test_a_direct_message_reaches_its_two_users(
    ws: OpenSocket, live_asgi: LiveServer, world: World
) -> None:
    alice, bob, carol = sockets(ws, world)
    headers = {"Authorization": f"Bearer {world.tokens['carol']}"}
    direct = requests.post(
        live_asgi.url + "/api/v4/channels/direct",
        json=[world.carol.id, world.bob.id],
        headers=headers,
        timeout=5,
    ).json()
    assert bob.event("direct_added")["data"]["teammate_id"] == world.bob.id
    requests.post(
        live_asgi.url + "/api/v4/posts",
        json={"channel_id": direct["id"], "message": "just us"},
        headers=headers,
        timeout=5,
    )
    to_bob, to_carol = bob.event("posted"), carol.event("posted")
    assert to_bob["data"]["channel_type"] == to_carol["data"]["channel_type"] == "D"
    assert json.loads(to_bob["data"]["mentions"]) == [world.bob.id]  # DMs always mention
    assert "mentions" not in to_carol["data"]
    assert alice.quiet(0.3) == []


def test_omitted_users_hear_nothing(ws: OpenSocket, world: World) -> None:
    alice, bob, _ = sockets(ws, world)
    publish(
        "custom_event",
        {},
        Broadcast(channel_id=world.town_square.id, omit_users=frozenset({world.bob.id})),
    )
    assert alice.event("custom_event")["broadcast"]["omit_users"] == {world.bob.id: True}
    assert bob.quiet(0.3) == []


def test_team_events_reach_the_team_members(ws: OpenSocket, world: World) -> None:
    alice, bob, carol = sockets(ws, world)
    publish("update_team", {"team": "{}"}, Broadcast(team_id=world.team.id))
    for client in (alice, bob):
        assert client.event("update_team")["broadcast"]["team_id"] == world.team.id
    assert carol.quiet(0.3) == []


def test_user_events_reach_that_user_only(ws: OpenSocket, world: World) -> None:
    alice, bob, carol = sockets(ws, world)
    bob_again = ws(token=world.tokens["bob"])
    publish("preferences_changed", {"preferences": "[]"}, Broadcast(user_id=world.bob.id))
    assert bob.event("preferences_changed")["data"] == {"preferences": "[]"}
    assert bob_again.event("preferences_changed")["broadcast"]["user_id"] == world.bob.id
    assert alice.quiet(0.3) == []
    assert carol.quiet(0.3) == []


def test_events_for_everyone_reach_everyone(ws: OpenSocket, world: World) -> None:
    clients = sockets(ws, world)
    publish("new_user", {"user_id": "n" * 26})
    for client in clients:
        assert client.event("new_user")["data"] == {"user_id": "n" * 26}


def test_joining_a_channel_or_team_opens_its_events(ws: OpenSocket, world: World) -> None:
    carol = ws(token=world.tokens["carol"])
    team_member_add(team=world.team, user=world.carol)
    assert carol.event("user_added")["data"]["user_id"] == world.carol.id  # town-square
    assert carol.event("added_to_team")["data"]["team_id"] == world.team.id
    post_create(author=world.alice, channel=world.town_square, message="welcome")
    assert json.loads(carol.event("posted")["data"]["post"])["message"] == "welcome"
    publish("update_team", {"team": "{}"}, Broadcast(team_id=world.team.id))
    carol.event("update_team")
    channel_member_add(channel=world.private, user=world.carol)
    post_create(author=world.alice, channel=world.private, message="in on it")
    assert json.loads(carol.event("posted")["data"]["post"])["message"] == "in on it"


def test_leaving_a_channel_or_team_closes_its_events(ws: OpenSocket, world: World) -> None:
    off_topic = Channel.objects.get(team=world.team, name="off-topic")
    bob = ws(token=world.tokens["bob"])
    channel_member_remove(channel=off_topic, user=world.bob, remover=world.alice)
    removed = bob.event("user_removed")
    assert removed["broadcast"]["user_id"] == world.bob.id  # their own copy
    assert removed["data"] == {"channel_id": off_topic.id, "remover_id": world.alice.id}
    post_create(author=world.alice, channel=off_topic, message="gone")
    publish("custom_event", {}, Broadcast(channel_id=off_topic.id))
    assert [m["event"] for m in bob.quiet(0.3)] == []
    team_member_remove(team=world.team, user=world.bob)
    assert bob.event("leave_team")["data"]["user_id"] == world.bob.id  # still told
    publish("update_team", {"team": "{}"}, Broadcast(team_id=world.team.id))
    assert bob.quiet(0.3) == []


def test_user_updated_carries_the_user_each_may_see(
    ws: OpenSocket, world: World, admin_token: str, mm_config: Callable[..., None]
) -> None:
    mm_config(show_email_address=False)
    alice, bob, _ = sockets(ws, world)
    root = ws(token=admin_token)
    user_patch(user=world.alice, changes={"nickname": "Al"})
    own = alice.event("user_updated")["data"]["user"]
    seen_by_bob = bob.event("user_updated")["data"]["user"]
    seen_by_admin = root.event("user_updated")["data"]["user"]
    assert own["nickname"] == seen_by_bob["nickname"] == seen_by_admin["nickname"] == "Al"
    assert own["email"] == seen_by_admin["email"] == "alice@example.com"
    assert seen_by_bob["email"] == ""
    assert own["notify_props"]
    assert seen_by_bob["notify_props"] == {}


@pytest.fixture
def admin_token(admin, login) -> str:  # type: ignore[no-untyped-def]
    return str(login(admin)[1])


def test_logging_out_closes_that_sessions_sockets_only(
    ws: OpenSocket, live_asgi: LiveServer, world: World, login: Callable[..., tuple]
) -> None:
    other_session_token = login(world.alice)[1]
    alice = ws(token=world.tokens["alice"])
    alice_elsewhere = ws(token=other_session_token)
    response = requests.post(
        live_asgi.url + "/api/v4/users/logout",
        headers={"Authorization": f"Bearer {world.tokens['alice']}"},
        timeout=5,
    )
    assert response.status_code == 200
    assert alice.closed_within(3)
    assert not alice_elsewhere.closed_within(0.5)


def test_deactivating_a_user_closes_their_sockets(ws: OpenSocket, world: World) -> None:
    bob = ws(token=world.tokens["bob"])
    alice = ws(token=world.tokens["alice"])
    user_set_active(user=world.bob, active=False)
    assert bob.closed_within(3)
    assert not alice.closed_within(0.5)


@pytest.fixture
def quick_session_checks(settings: LazySettings) -> None:
    settings.WEBSOCKET_SESSION_CHECK_SECONDS = 0.2


def test_an_expired_session_closes_its_sockets(
    quick_session_checks: None, ws: OpenSocket, world: World
) -> None:
    bob = ws(token=world.tokens["bob"])
    alice = ws(token=world.tokens["alice"])
    # No event says so: an expiry (or a change made where this hub cannot hear it).
    Session.objects.filter(user=world.bob).update(expires_at=1)
    assert bob.closed_within(3)
    assert not alice.closed_within(0.5)
