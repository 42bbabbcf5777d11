"""Outgoing webhooks firing: which posts call which hooks, what the hook's URL receives,
and how its answer is posted back. Calls run on the integration threads with their own
database connections, so the end-to-end tests use ``transactional_db`` and wait for the
threads with ``outbound.wait_idle``; the matching rules are checked on the listener with
``dispatch`` replaced by a list."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.errors import AppError
from apps.core.events import Event
from apps.integrations import outbound
from apps.integrations.models import CONTENT_TYPE_JSON, TRIGGER_STARTS_WITH, OutgoingWebhook
from apps.integrations.outgoing_delivery import (
    FiringPost,
    answer_payload,
    encode_payload,
    hook_payload,
    on_posted,
)
from apps.integrations.payloads import WebhookPayload
from apps.integrations.services import (
    incoming_webhook_create,
    incoming_webhook_post,
    outgoing_webhook_delete,
)
from apps.posts.models import Post
from apps.posts.services import post_create, system_post
from apps.teams.models import Team
from tests.helpers import bearer
from tests.integrations.callback_server import Answer, CallbackServer
from tests.integrations.test_outgoing_webhooks import make_hook

WAIT = 10  # seconds: a bound for a broken test, never a timing assertion
A, B, C = "http://a.example.com/", "http://b.example.com/", "http://c.example.com/"


def post_message(
    client: Client, token: str, channel: Channel, message: str, root_id: str = ""
) -> Any:
    body = {"channel_id": channel.id, "message": message, "root_id": root_id}
    resp = client.post(
        "/api/v4/posts", json.dumps(body), content_type="application/json", **bearer(token)
    )
    assert resp.status_code == 201, resp.content
    return resp.json()


def answers_in(channel: Channel) -> list[Post]:
    return list(Post.objects.filter(channel=channel, props__from_webhook="true"))


def json_answer(**fields: Any) -> Answer:
    return Answer(body=json.dumps(fields).encode())


@pytest.fixture
def firing(
    transactional_db: None, allow_loopback: None, callback_server: CallbackServer
) -> Iterator[CallbackServer]:
    """The callback server, with the integration threads drained after the test (they
    must not touch the database once it is flushed)."""
    yield callback_server
    callback_server.release.set()
    assert outbound.wait_idle(WAIT)


# --- end to end, through POST /api/v4/posts and a local callback server --------------


def test_a_form_hook_receives_the_post_and_its_answer_is_posted(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    other_user: User,
    alpha: Team,
    town_square: Channel,
) -> None:
    hook = make_hook(user, alpha, urls=(f"{firing.url}/form",), display_name="CI")
    firing.answer = json_answer(text="on it", props={"card": "details"})
    sent = post_message(client, bob_token, town_square, "build the thing")
    assert outbound.wait_idle(WAIT)
    (request,) = firing.wait_for(1)
    assert (request.method, request.path) == ("POST", "/form")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Accept"] == "application/json"
    fields = {
        name: value
        for name, (value,) in parse_qs(request.body.decode(), keep_blank_values=True).items()
    }
    assert fields == {
        "token": hook.token,
        "team_id": alpha.id,
        "team_domain": "alpha",
        "channel_id": town_square.id,
        "channel_name": "town-square",
        "timestamp": str(sent["create_at"] // 1000),  # seconds in a form, as upstream
        "user_id": other_user.id,
        "user_name": "bob",
        "post_id": sent["id"],
        "text": "build the thing",
        "trigger_word": "build",
        "file_ids": "",
    }
    (answer,) = answers_in(town_square)
    assert answer.message == "on it"
    assert answer.user_id == user.id  # the hook's creator
    assert answer.root_id == ""
    assert answer.props["webhook_display_name"] == "CI"
    assert answer.props["card"] == "details"
    assert "override_username" not in answer.props  # the setting is off


def test_a_json_hook_receives_json_and_a_comment_answer_replies_in_the_thread(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    other_user: User,
    alpha: Team,
    town_square: Channel,
    mm_config: Callable[..., None],
) -> None:
    mm_config(enable_post_username_override=True, enable_post_icon_override=True)
    hook = make_hook(
        user,
        alpha,
        words=("deploy",),
        urls=(firing.url,),
        content_type=CONTENT_TYPE_JSON,
        icon_url="https://example.com/hook.png",
    )
    firing.answer = json_answer(text="deployed", response_type="comment", username="deployer")
    sent = post_message(client, bob_token, town_square, "deploy  v1.2")
    assert outbound.wait_idle(WAIT)
    (request,) = firing.wait_for(1)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "token": hook.token,
        "team_id": alpha.id,
        "team_domain": "alpha",
        "channel_id": town_square.id,
        "channel_name": "town-square",
        "timestamp": sent["create_at"],  # milliseconds in JSON, as upstream
        "user_id": other_user.id,
        "user_name": "bob",
        "post_id": sent["id"],
        "text": "deploy  v1.2",
        "trigger_word": "deploy",
        "file_ids": "",
    }
    (answer,) = answers_in(town_square)
    assert answer.root_id == sent["id"]
    assert answer.props["override_username"] == "deployer"
    assert answer.props["override_icon_url"] == "https://example.com/hook.png"


def test_a_comment_on_a_reply_goes_to_the_thread_first_post(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
) -> None:
    make_hook(user, alpha, urls=(firing.url,))
    firing.answer = json_answer(text="noted", response_type="comment")
    root = post_message(client, bob_token, town_square, "a thread")
    post_message(client, bob_token, town_square, "build it", root_id=root["id"])
    assert outbound.wait_idle(WAIT)
    (answer,) = answers_in(town_square)
    assert answer.root_id == root["id"]


def test_posting_does_not_wait_for_the_hook(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
) -> None:
    """The callback holds every request until released. Had posting waited for it, the
    201 could only come after the release, with the hook's answer already posted."""
    make_hook(user, alpha, urls=(firing.url,))
    firing.answer = json_answer(text="late answer")
    firing.release.clear()
    sent = post_message(client, bob_token, town_square, "build please")
    assert Post.objects.filter(pk=sent["id"]).exists()
    assert answers_in(town_square) == []
    firing.wait_for(1)  # the call is in flight, held by the callback server
    firing.release.set()
    assert outbound.wait_idle(WAIT)
    assert [post.message for post in answers_in(town_square)] == ["late answer"]


def test_a_dead_url_is_logged_and_posts_nothing(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    hook = make_hook(user, alpha, urls=(f"http://127.0.0.1:{port}/",))
    caplog.set_level(logging.WARNING, logger="apps.integrations.outgoing_delivery")
    sent = post_message(client, bob_token, town_square, "build")
    assert outbound.wait_idle(WAIT)
    assert list(Post.objects.filter(channel=town_square).values_list("id", flat=True)) == [
        sent["id"]
    ]
    assert f"outgoing webhook {hook.id}: the call failed" in caplog.text


def test_an_answer_does_not_fire_hooks_again(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
) -> None:
    make_hook(user, alpha, urls=(firing.url,))
    make_hook(user, alpha, words=(), urls=(f"{firing.url}/all",), channel=town_square)
    firing.answer = json_answer(text="build again")  # would match both hooks
    post_message(client, bob_token, town_square, "build")
    assert outbound.wait_idle(WAIT)
    assert sorted(request.path for request in firing.received) == ["/", "/all"]
    assert [post.message for post in answers_in(town_square)] == ["build again"] * 2


def test_an_unreadable_answer_is_logged(
    firing: CallbackServer,
    client: Client,
    bob_token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_hook(user, alpha, urls=(f"{firing.url}/ci?key=s3cr3t",))
    firing.answer = Answer(body=b"<html>oops</html>")
    caplog.set_level(logging.WARNING, logger="apps.integrations.outgoing_delivery")
    post_message(client, bob_token, town_square, "build")
    assert outbound.wait_idle(WAIT)
    assert answers_in(town_square) == []
    assert f"{firing.url}/ci answered unreadably" in caplog.text
    # A URL's query may hold a secret of the integration's: the log never shows it.
    assert "s3cr3t" not in caplog.text


# --- which posts fire which hooks (the listener, with dispatch recorded) --------------


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[partial[None]]:
    """The calls the listener hands to the integration threads, instead of making them."""
    calls: list[partial[None]] = []

    def record(work: partial[None]) -> bool:
        calls.append(work)
        return True

    monkeypatch.setattr(outbound, "dispatch", record)
    return calls


@pytest.fixture
def fire(
    django_capture_on_commit_callbacks: Any, other_user: User
) -> Callable[..., list[tuple[str, str]]]:
    """Post as bob and deliver the events: (URL, trigger word) of every call queued."""

    def make(
        channel: Channel, message: str, calls: list[partial[None]], **fields: Any
    ) -> list[tuple[str, str]]:
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            post_create(author=other_user, channel=channel, message=message, **fields)
        return [(call.keywords["url"], trigger_word_of(call)) for call in calls]

    return make


def trigger_word_of(call: partial[None]) -> str:
    body: bytes = call.keywords["body"]
    if call.keywords["content_type"] == CONTENT_TYPE_JSON:
        return str(json.loads(body)["trigger_word"])
    return parse_qs(body.decode(), keep_blank_values=True)["trigger_word"][0]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("build it", [(A, "build")]),
        ("  build", [(A, "build")]),
        ("builder", []),
        ("Build it", []),  # trigger words match case-sensitively, as upstream
        ("please build", []),
        ("deploy now", [(B, "dep")]),
        ("dep", [(B, "dep")]),
        ("   ", []),
    ],
)
def test_trigger_when_exact_or_starts_with(
    user: User,
    alpha: Team,
    town_square: Channel,
    dispatched: list[partial[None]],
    fire: Callable[..., list[tuple[str, str]]],
    message: str,
    expected: list[tuple[str, str]],
) -> None:
    make_hook(user, alpha, words=("build",), urls=(A,))
    make_hook(user, alpha, words=("dep",), urls=(B,), trigger_when=TRIGGER_STARTS_WITH)
    assert fire(town_square, message, dispatched) == expected


def test_the_channel_filter(
    user: User,
    alpha: Team,
    town_square: Channel,
    dispatched: list[partial[None]],
    fire: Callable[..., list[tuple[str, str]]],
) -> None:
    off_topic = Channel.objects.get(team=alpha, name="off-topic")
    make_hook(user, alpha, words=(), urls=(A,), channel=town_square)  # every post there
    make_hook(user, alpha, words=("ship",), urls=(B,), channel=town_square)
    make_hook(user, alpha, words=("ship",), urls=(C,))  # every public channel
    assert fire(town_square, "hello", dispatched) == [(A, "")]
    assert sorted(fire(town_square, "ship it", dispatched)) == [(A, ""), (B, "ship"), (C, "ship")]
    assert fire(off_topic, "ship it", dispatched) == [(C, "ship")]
    assert fire(off_topic, "hello", dispatched) == []


def test_one_call_per_url(
    user: User,
    alpha: Team,
    town_square: Channel,
    dispatched: list[partial[None]],
    fire: Callable[..., list[tuple[str, str]]],
) -> None:
    make_hook(user, alpha, urls=(A, B))
    assert fire(town_square, "build", dispatched) == [(A, "build"), (B, "build")]


def test_posts_that_never_fire_hooks(
    user: User,
    other_user: User,
    alpha: Team,
    town_square: Channel,
    private_room: Channel,
    dispatched: list[partial[None]],
    fire: Callable[..., list[tuple[str, str]]],
    django_capture_on_commit_callbacks: Any,
    mm_config: Callable[..., None],
) -> None:
    make_hook(user, alpha, words=(), urls=(A,), channel=town_square)
    make_hook(user, alpha, urls=(B,))
    assert fire(private_room, "build", dispatched) == []
    # The server's own notices and the posts of webhooks (incoming ones here).
    with django_capture_on_commit_callbacks(execute=True):
        system_post(
            channel=town_square, user=other_user, type="system_join_channel", message="", props={}
        )
        incoming = incoming_webhook_create(creator=user, channel=town_square)
        incoming_webhook_post(hook_id=incoming.id, payload=WebhookPayload(text="build"))
    assert dispatched == []
    mm_config(enable_outgoing_webhooks=False)
    assert fire(town_square, "build", dispatched) == []


def test_deleted_hooks_do_not_fire(
    user: User,
    alpha: Team,
    town_square: Channel,
    dispatched: list[partial[None]],
    fire: Callable[..., list[tuple[str, str]]],
) -> None:
    outgoing_webhook_delete(hook=make_hook(user, alpha, urls=(A,)))
    assert fire(town_square, "build", dispatched) == []


def test_the_listener_costs_one_query_however_many_hooks(
    user: User,
    other_user: User,
    alpha: Team,
    town_square: Channel,
    private_room: Channel,
    dispatched: list[partial[None]],
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    """The posting request runs the listener: one indexed read of the team's hooks (and
    of the team's name when some fire), none at all for a post that cannot fire any."""
    for n in range(10):
        make_hook(user, alpha, words=(f"w{n}", "build"), urls=(f"http://h{n}.example.com/",))
    with django_capture_on_commit_callbacks(execute=True):
        for channel, message in (
            (town_square, "build"),
            (town_square, "hi"),
            (private_room, "build"),
        ):
            post_create(author=other_user, channel=channel, message=message)
    firing, quiet, private = (event for event in published if event.event == "posted")
    dispatched.clear()
    with django_assert_num_queries(2):
        on_posted(firing)
    assert len(dispatched) == 10
    with django_assert_num_queries(1):
        on_posted(quiet)
    with django_assert_num_queries(0):
        on_posted(private)
    assert len(dispatched) == 10


# --- the body and the answer, unit by unit ---------------------------------------------


def test_file_ids_travel_as_one_comma_separated_field() -> None:
    post = FiringPost(
        id="p" * 26,
        root_id="",
        channel_id="c" * 26,
        channel_name="town-square",
        team_id="t" * 26,
        user_id="u" * 26,
        user_name="bob",
        message="build",
        create_at=1_700_000_000_123,
        file_ids=("f1", "f2"),
    )
    hook = OutgoingWebhook(token="k" * 26, team_id="t" * 26)
    payload = hook_payload(hook, post, trigger_word="build", team_domain="alpha")
    body, content_type = encode_payload(payload, "application/x-www-form-urlencoded")
    assert content_type == "application/x-www-form-urlencoded"
    form = parse_qs(body.decode())
    assert form["file_ids"] == ["f1,f2"]
    assert form["timestamp"] == ["1700000000"]
    body, content_type = encode_payload(payload, CONTENT_TYPE_JSON)
    assert content_type == CONTENT_TYPE_JSON
    assert json.loads(body)["timestamp"] == 1_700_000_000_123


@pytest.mark.parametrize("body", [b"", b"  ", b'{"text": ""}', b'{"username": "x"}'])
def test_answers_with_nothing_to_post(body: bytes) -> None:
    assert answer_payload(body) is None


DEEP = b'{"text": "x", "props": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"


@pytest.mark.parametrize(
    "body",
    [b"nope", b"[1]", b'{"text": 3}', b'{"props": []}', b'{"text": "a\\u0000"}', DEEP],
)
def test_unreadable_answers(body: bytes) -> None:
    with pytest.raises(AppError):
        answer_payload(body)


def test_an_answer_keeps_no_channel_and_no_emoji() -> None:
    answer = answer_payload(
        b'{"attachments": [{"text": "a"}], "channel": "elsewhere", "icon_emoji": "x",'
        b' "response_type": "comment"}'
    )
    assert answer is not None
    payload, comment = answer
    assert (payload.channel, payload.icon_emoji, payload.attachments) == ("", "", [{"text": "a"}])
    assert comment is True
