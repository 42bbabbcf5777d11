"""Built-in slash commands run through POST /api/v4/commands/execute: what each posts,
changes and answers, as Mattermost's own."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from apps.accounts.models import Status, User
from apps.accounts.services import user_create
from apps.channels.models import Channel
from apps.channels.selectors import channel_member_get
from apps.channels.services import channel_create, channel_member_add, direct_channel_name
from apps.core.roles import ROLE_PERMISSIONS
from apps.integrations.commands.builtins import messages
from apps.posts.models import Post
from apps.teams.models import Team
from tests.helpers import assert_error, bearer

EXECUTE = "/api/v4/commands/execute"
SITE = "http://testserver"


def run(client: Client, token: str, channel: Channel, command: str, **extra: Any) -> Any:
    """Run ``command`` in ``channel``; the answer's JSON (asserting a 200)."""
    resp = client.post(
        EXECUTE,
        data=json.dumps({"command": command, "channel_id": channel.id, **extra}),
        content_type="application/json",
        **bearer(token),
    )
    assert resp.status_code == 200, resp.content
    return resp.json()


def is_member(channel: Channel, user: User) -> bool:
    return channel_member_get(channel_id=channel.id, user_id=user.id) is not None


@pytest.fixture
def lobby(alpha: Team, user: User) -> Channel:
    """A public channel alice made; bob is not in it."""
    return channel_create(team=alpha, creator=user, name="lobby", display_name="Lobby", type="O")


# --- the execute route --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"command": "/", "channel_id": "a" * 26},
        {"command": "me hi", "channel_id": "a" * 26},
        {"command": "/me hi", "channel_id": "nope"},
    ],
)
def test_execute_rejects_a_malformed_command(
    client: Client, token: str, body: dict[str, str]
) -> None:
    resp = client.post(EXECUTE, json.dumps(body), content_type="application/json", **bearer(token))
    assert_error(resp, 400, "api.command.execute_command.start.app_error")


@pytest.mark.parametrize("body", ["[]", "nope", '{"command": 1}', '{"root_id": "x"}'])
def test_execute_rejects_a_bad_body(client: Client, token: str, body: str) -> None:
    resp = client.post(EXECUTE, body, content_type="application/json", **bearer(token))
    assert_error(resp, 400, "api.context.invalid_body_param.app_error")


def test_execute_needs_a_session(client: Client, town_square: Channel) -> None:
    body = json.dumps({"command": "/away", "channel_id": town_square.id})
    resp = client.post(EXECUTE, body, content_type="application/json")
    assert_error(resp, 401, "api.context.session_expired.app_error")


def test_execute_needs_create_post_in_the_channel(
    client: Client, bob_token: str, private_room: Channel
) -> None:
    body = json.dumps({"command": "/away", "channel_id": private_room.id})
    resp = client.post(EXECUTE, body, content_type="application/json", **bearer(bob_token))
    assert_error(resp, 403, "api.context.permissions.app_error")


def test_an_unknown_command_is_404(client: Client, token: str, town_square: Channel) -> None:
    body = json.dumps({"command": "/nosuch thing", "channel_id": town_square.id})
    resp = client.post(EXECUTE, body, content_type="application/json", **bearer(token))
    assert_error(resp, 404, "api.command.execute_command.not_found.app_error")


def test_built_in_commands_run_while_custom_ones_are_off(
    client: Client, token: str, user: User, town_square: Channel, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_commands=False)
    run(client, token, town_square, "/away")
    assert Status.objects.get(user=user).status == "away"


def test_commands_in_a_direct_message_run_in_the_named_team(
    client: Client, token: str, user: User, other_user: User, alpha: Team
) -> None:
    from apps.channels.services import direct_channel_get_or_create

    dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
    answer = run(client, token, dm, "/shrug", team_id=alpha.id)
    assert answer["response_type"] == "in_channel"
    assert Post.objects.filter(channel=dm).count() == 1
    body = json.dumps({"command": "/shrug", "channel_id": dm.id})
    resp = client.post(EXECUTE, body, content_type="application/json", **bearer(token))
    assert_error(resp, 403, "api.context.permissions.app_error")


# --- posting ------------------------------------------------------------------------


def test_me(client: Client, token: str, user: User, town_square: Channel) -> None:
    answer = run(client, token, town_square, "/me waves")
    assert (answer["response_type"], answer["type"], answer["text"]) == (
        "in_channel",
        "me",
        "*waves*",
    )
    post = Post.objects.get(channel=town_square)
    assert (post.user_id, post.type, post.message) == (user.id, "me", "*waves*")
    assert "from_webhook" not in post.props


def test_shrug(client: Client, token: str, town_square: Channel) -> None:
    run(client, token, town_square, "/shrug fine")
    assert Post.objects.get(channel=town_square).message == r"fine ¯\\\_(ツ)\_/¯"


def test_shrug_in_a_thread(client: Client, token: str, user: User, town_square: Channel) -> None:
    from apps.posts.services import post_create

    root = post_create(author=user, channel=town_square, message="root")
    run(client, token, town_square, "/shrug", root_id=root.id)
    reply = Post.objects.get(channel=town_square, root_id=root.id)
    assert reply.message == r"¯\\\_(ツ)\_/¯"


def test_echo(client: Client, token: str, user: User, town_square: Channel) -> None:
    run(client, token, town_square, '/echo "hello there"')
    assert Post.objects.get(channel=town_square).message == "hello there"


@pytest.mark.django_db(transaction=True)
def test_echo_with_a_delay_posts_later(client: Client, token: str, town_square: Channel) -> None:
    answer = run(client, token, town_square, "/echo later 1")
    assert answer["text"] == ""
    assert not Post.objects.filter(channel=town_square).exists()
    deadline = time.monotonic() + 10
    while not Post.objects.filter(channel=town_square).exists():
        assert time.monotonic() < deadline, "the delayed echo never came"
        time.sleep(0.1)
    assert Post.objects.get(channel=town_square).message == "later"


@pytest.mark.django_db(transaction=True)
def test_a_delayed_echo_gives_its_database_connection_back(
    client: Client, token: str, town_square: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[Any] = []
    finished = threading.Event()
    post_echo_later = messages._post_echo_later

    def recording(args: Any, text: str) -> None:
        post_echo_later(args, text)
        used.append(connections["default"])  # the timer thread's own wrapper
        finished.set()

    monkeypatch.setattr(messages, "_post_echo_later", recording)
    run(client, token, town_square, "/echo later 1")
    assert finished.wait(10)
    assert Post.objects.get(channel=town_square).message == "later"
    assert used[0].connection is None  # closed, even with persistent connections


@pytest.mark.parametrize(
    ("command", "answer"),
    [("/echo", "Give /echo a message"), ("/echo hi 10001", "at most 10000 seconds")],
)
def test_echo_refusals(
    client: Client, token: str, town_square: Channel, command: str, answer: str
) -> None:
    reply = run(client, token, town_square, command)
    assert reply["response_type"] == "ephemeral"
    assert answer in reply["text"]
    assert not Post.objects.filter(channel=town_square).exists()


def test_msg_opens_a_direct_message_and_posts(
    client: Client, token: str, user: User, other_user: User, town_square: Channel
) -> None:
    answer = run(client, token, town_square, "/msg @bob see you")
    name = direct_channel_name(user.id, other_user.id)
    assert answer["goto_location"] == f"{SITE}/alpha/channels/{name}"
    dm = Channel.objects.get(name=name)
    assert Post.objects.get(channel=dm).message == "see you"


@pytest.mark.parametrize("target", ["@nobody", "@alice"])
def test_msg_to_nobody_or_oneself(
    client: Client, token: str, town_square: Channel, target: str
) -> None:
    answer = run(client, token, town_square, f"/msg {target} hi")
    assert answer["response_type"] == "ephemeral"
    assert "could not find" in answer["text"]


# --- channels -----------------------------------------------------------------------


def test_join(
    client: Client, bob_token: str, other_user: User, lobby: Channel, town_square: Channel
) -> None:
    answer = run(client, bob_token, town_square, "/join ~lobby")
    assert answer["goto_location"] == f"{SITE}/alpha/channels/lobby"
    assert is_member(lobby, other_user)


def test_join_a_private_channel_one_is_not_in(
    client: Client, bob_token: str, other_user: User, private_room: Channel, town_square: Channel
) -> None:
    answer = run(client, bob_token, town_square, "/join private")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"]
    assert not is_member(private_room, other_user)


def test_join_an_unknown_channel(client: Client, bob_token: str, town_square: Channel) -> None:
    answer = run(client, bob_token, town_square, "/join ~nowhere")
    assert answer["response_type"] == "ephemeral"
    assert answer["goto_location"] == ""


def test_leave(client: Client, token: str, user: User, lobby: Channel) -> None:
    answer = run(client, token, lobby, "/leave")
    assert answer["goto_location"] == f"{SITE}/alpha/channels/town-square"
    assert not is_member(lobby, user)


def test_nobody_leaves_town_square(
    client: Client, token: str, user: User, town_square: Channel
) -> None:
    answer = run(client, token, town_square, "/leave")
    assert answer["response_type"] == "ephemeral"
    assert "town-square" in answer["text"]
    assert is_member(town_square, user)


def test_header(client: Client, token: str, town_square: Channel) -> None:
    assert run(client, token, town_square, "/header Release day")["text"] == ""
    town_square.refresh_from_db()
    assert town_square.header == "Release day"


def test_header_refusals(
    client: Client, token: str, bob_token: str, town_square: Channel, monkeypatch: Any
) -> None:
    assert "header" in run(client, token, town_square, "/header")["text"]
    too_long = run(client, token, town_square, "/header " + "x" * 1025)
    assert "1024" in too_long["text"]
    without = ROLE_PERMISSIONS["channel_user"] - {"manage_public_channel_properties"}
    monkeypatch.setitem(ROLE_PERMISSIONS, "channel_user", without)
    assert "not allowed" in run(client, bob_token, town_square, "/header mine")["text"]
    town_square.refresh_from_db()
    assert town_square.header == ""


def test_purpose(client: Client, token: str, town_square: Channel) -> None:
    run(client, token, town_square, "/purpose Talk about releases")
    town_square.refresh_from_db()
    assert town_square.purpose == "Talk about releases"


def test_purpose_in_a_direct_message(
    client: Client, token: str, user: User, other_user: User, alpha: Team
) -> None:
    from apps.channels.services import direct_channel_get_or_create

    dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
    answer = run(client, token, dm, "/purpose hi", team_id=alpha.id)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"]


def test_invite_to_the_current_channel(
    client: Client, token: str, other_user: User, lobby: Channel
) -> None:
    answer = run(client, token, lobby, "/invite @bob")
    assert is_member(lobby, other_user)
    assert answer["text"] == ""  # the channel itself says who was added
    again = run(client, token, lobby, "/invite @bob")
    assert "already in the channel" in again["text"]


def test_invite_to_another_channel(
    client: Client, token: str, other_user: User, lobby: Channel, town_square: Channel
) -> None:
    answer = run(client, token, town_square, "/invite @bob ~lobby")
    assert is_member(lobby, other_user)
    assert answer["text"] == "@bob added to ~lobby."


def test_invite_refusals(
    client: Client, token: str, user: User, lobby: Channel, alpha: Team
) -> None:
    stranger = user_create(username="carol", email="c@example.com", password="passw0rd!")
    assert "not in the team" in run(client, token, lobby, "/invite @carol")["text"]
    assert not is_member(lobby, stranger)
    assert "could not find the user nobody" in run(client, token, lobby, "/invite @nobody")["text"]
    assert "~nowhere" in run(client, token, lobby, "/invite @bob ~nowhere")["text"]
    assert "Name someone" in run(client, token, lobby, "/invite")["text"]


def test_a_member_cannot_invite_into_a_private_channel_they_are_not_in(
    client: Client, bob_token: str, other_user: User, private_room: Channel, town_square: Channel
) -> None:
    # The answer does not tell a secret channel from a missing one.
    answer = run(client, bob_token, town_square, "/invite @alice ~private")
    missing = run(client, bob_token, town_square, "/invite @alice ~nowhere")
    assert answer["text"] == missing["text"].replace("~nowhere", "~private")
    assert "~private" in answer["text"]


@pytest.mark.parametrize("trigger", ["kick", "remove"])
def test_kick(client: Client, token: str, other_user: User, lobby: Channel, trigger: str) -> None:
    channel_member_add(channel=lobby, user=other_user)
    assert run(client, token, lobby, f"/{trigger} @bob")["text"] == ""
    assert not is_member(lobby, other_user)
    assert "not a member" in run(client, token, lobby, f"/{trigger} @bob")["text"]


def test_kick_refusals(
    client: Client,
    token: str,
    bob_token: str,
    other_user: User,
    lobby: Channel,
    town_square: Channel,
    monkeypatch: Any,
) -> None:
    assert "Name the member" in run(client, token, town_square, "/kick")["text"]
    assert "could not find" in run(client, token, town_square, "/kick @nobody")["text"]
    assert "Nobody can leave" in run(client, token, town_square, "/kick @bob")["text"]
    assert is_member(town_square, other_user)
    without = ROLE_PERMISSIONS["channel_user"] - {"manage_public_channel_members"}
    monkeypatch.setitem(ROLE_PERMISSIONS, "channel_user", without)
    channel_member_add(channel=lobby, user=other_user)
    assert "not allowed" in run(client, bob_token, lobby, "/kick @alice")["text"]
    assert channel_member_get(channel_id=lobby.id, user_id=lobby.creator_id) is not None


# --- presence and logout ----------------------------------------------------------


@pytest.mark.parametrize("status", ["away", "online", "offline", "dnd"])
def test_status_commands(
    client: Client, token: str, user: User, town_square: Channel, status: str
) -> None:
    answer = run(client, token, town_square, f"/{status}")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"]
    assert Status.objects.get(user=user).status == status


def test_logout(client: Client, token: str, town_square: Channel) -> None:
    assert run(client, token, town_square, "/logout")["goto_location"] == "/login"
