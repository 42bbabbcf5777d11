"""Events as the hub receives them from the bus (``prepare``) and the envelope."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from apps.accounts.models import User
from apps.core.events import Broadcast, Event
from apps.realtime.wire import Outgoing, envelope_prefix, frame, prepare


def test_posted_mentions_become_one_json_string_per_mentioned_user() -> None:
    event = Event(
        "posted",
        {"post": "{}", "mentions": ["u1", "u2"], "followers": ["u3"], "set_online": True},
        Broadcast(channel_id="c" * 26),
    )
    outgoing = prepare(event)
    assert outgoing is not None
    assert outgoing.data == {"post": "{}", "set_online": True}
    assert outgoing.per_user == {
        "u1": {"mentions": '["u1"]'},
        "u2": {"mentions": '["u2"]'},
        "u3": {"followers": '["u3"]'},
    }
    assert event.data["mentions"] == ["u1", "u2"]  # other listeners see the event unchanged


@pytest.mark.django_db
def test_user_updated_gets_a_copy_for_the_user_admins_and_everyone_else(
    user: User, mm_config: Callable[..., None]
) -> None:
    mm_config(show_email_address=False, show_full_name=False)
    outgoing = prepare(Event("user_updated", {"user_id": user.id}))
    assert outgoing is not None
    others = outgoing.data["user"]
    assert (others["email"], others["first_name"], others["notify_props"]) == ("", "", {})
    assert outgoing.for_admins["user"]["email"] == "alice@example.com"
    assert outgoing.per_user[user.id]["user"]["first_name"] == "Alice"


@pytest.mark.django_db
def test_user_updated_about_a_vanished_user_is_dropped() -> None:
    assert prepare(Event("user_updated", {"user_id": "x" * 26})) is None


def test_an_outgoing_event_survives_the_bus() -> None:
    outgoing = Outgoing(
        event="typing",
        data={"user_id": "u"},
        channel_id="c",
        omit_users=("u",),
        per_user={"v": {"mentions": "[]"}},
        for_admins={"x": 1},
    )
    assert Outgoing.from_json(outgoing.to_json()) == outgoing


def test_the_envelope_is_mattermosts() -> None:
    outgoing = Outgoing(event="typing", data={"user_id": "u"}, channel_id="c", omit_users=("u",))
    text = frame(envelope_prefix(outgoing.event, '{"user_id":"u"}', outgoing.broadcast_json()), 7)
    assert json.loads(text) == {
        "event": "typing",
        "data": {"user_id": "u"},
        "broadcast": {
            "omit_users": {"u": True},
            "user_id": "",
            "channel_id": "c",
            "team_id": "",
            "connection_id": "",
            "omit_connection_id": "",
        },
        "seq": 7,
    }
    assert json.loads(Outgoing(event="x", data={}).broadcast_json())["omit_users"] is None
