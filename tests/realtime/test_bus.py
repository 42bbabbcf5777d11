"""The buses that carry events to the hub of every process."""

from __future__ import annotations

import asyncio

import pytest
from django.db import connection

from apps.realtime.bus import (
    LOCAL,
    POSTGRES,
    REDIS,
    Bus,
    PostgresBus,
    RedisBus,
    bus_kind,
    worker_count,
)
from apps.realtime.wire import Outgoing
from tests.test_server import redis_url  # noqa: F401  (the fixture)


def test_the_bus_is_chosen_from_the_configuration() -> None:
    assert bus_kind(redis_url="redis://r:6379/0", database_is_postgres=True) == REDIS
    assert bus_kind(redis_url="", database_is_postgres=True) == POSTGRES
    assert bus_kind(redis_url="", database_is_postgres=False) == LOCAL


@pytest.mark.parametrize(
    ("requested", "kind", "count", "warns"),
    [
        (None, LOCAL, 1, False),
        (None, REDIS, 2, False),
        ("1", LOCAL, 1, False),
        ("3", LOCAL, 1, True),
        ("3", POSTGRES, 3, False),
    ],
)
def test_several_workers_need_a_shared_bus(
    requested: str | None, kind: str, count: int, warns: bool
) -> None:
    workers, warning = worker_count(requested, kind)
    assert workers == count
    assert bool(warning) is warns
    if warns:
        assert "GUNICORN_WORKERS=3" in warning


def big_event() -> Outgoing:
    # Far over NOTIFY's 8000-byte payload limit, in multi-byte characters.
    return Outgoing(event="posted", data={"post": "\u00e9\u4e2d" * 20000}, channel_id="c" * 26)


def test_postgres_pieces_are_joined_in_order() -> None:
    bus = PostgresBus()
    text = big_event().to_json()
    pieces = [text[i : i + bus.PIECE] for i in range(0, len(text), bus.PIECE)]
    received: list[Outgoing] = []
    for index, piece in enumerate(pieces):
        bus.receive(f"m1 {index} {len(pieces)} {piece}", received.append)
        assert len(received) == (1 if index == len(pieces) - 1 else 0)
    assert received == [big_event()]
    assert bus._partial == {}


def round_trip(bus: Bus, events: list[Outgoing]) -> list[Outgoing]:
    """Publish ``events`` (from another thread, as a request would) and collect what the
    bus delivers."""
    received: list[Outgoing] = []

    def publish_all() -> None:
        try:
            for event in events:
                bus.publish(event)
        finally:
            connection.close()

    async def scenario() -> None:
        ready = asyncio.Event()
        listening = asyncio.create_task(bus.run(received.append, ready))
        await asyncio.wait_for(ready.wait(), 10)
        await asyncio.get_running_loop().run_in_executor(None, publish_all)
        for _ in range(200):
            if len(received) == len(events):
                break
            await asyncio.sleep(0.02)
        listening.cancel()

    asyncio.run(scenario())
    return received


@pytest.fixture
def on_postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_postgres_notify_carries_events_of_any_size(on_postgres: None) -> None:
    events = [Outgoing(event="small", data={"n": 1}), big_event(), Outgoing(event="last", data={})]
    assert round_trip(PostgresBus(), events) == events


def test_redis_pub_sub_carries_events(redis_url: str) -> None:  # noqa: F811
    events = [Outgoing(event="small", data={"n": 1}), big_event()]
    assert round_trip(RedisBus(redis_url), events) == events


@pytest.mark.parametrize("payload", ["garbage", "m1 0 1 {not json", "m1 5 2 {}", "m1 x y {}"])
def test_a_stray_notification_is_skipped(payload: str) -> None:
    received: list[Outgoing] = []
    PostgresBus().receive(payload, received.append)
    assert received == []
