"""How an event reaches the hub of every worker process, on every node.

The process that commits a change publishes its events (``forward``, subscribed to
``apps.core.events``); every hub receives them from the bus and delivers them to its own
sockets. Three buses, chosen from the configuration (``bus_kind``):

- ``redis``: Redis pub/sub, when ``REDIS_URL`` is set;
- ``postgres``: PostgreSQL ``LISTEN``/``NOTIFY``, when the database is PostgreSQL;
- ``local``: no shared engine (SQLite, no Redis). Events go straight to the hub of the
  publishing process, so the server must run as one worker process (its threads still
  serve REST requests in parallel); gunicorn.conf.py makes sure of that.

This module is imported by gunicorn.conf.py before Django is set up: Django and the
drivers are imported where they are used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from apps.core.events import Event
    from apps.realtime.wire import Outgoing

logger = logging.getLogger(__name__)

LOCAL, REDIS, POSTGRES = "local", "redis", "postgres"
Deliver = Callable[["Outgoing"], None]


def bus_kind(*, redis_url: str, database_is_postgres: bool) -> str:
    if redis_url:
        return REDIS
    if database_is_postgres:
        return POSTGRES
    return LOCAL


def worker_count(requested: str | None, kind: str) -> tuple[int, str]:
    """How many worker processes to run for ``GUNICORN_WORKERS=requested``, and a warning
    when the request cannot be honoured: without a shared bus, a second process would
    never hear of the events the first one publishes."""
    shared = kind != LOCAL
    if requested is None or not requested.strip():
        return (2 if shared else 1), ""
    count = int(requested)
    if count > 1 and not shared:
        return 1, (
            f"GUNICORN_WORKERS={count} ignored: without REDIS_URL or a PostgreSQL "
            "DATABASE_URL the WebSocket events cannot be shared between processes, so one "
            "worker process runs (GUNICORN_THREADS threads serve the REST API)."
        )
    return count, ""


class Bus(Protocol):
    def wanted(self) -> bool:
        """Whether publishing can reach anyone (the local bus needs a hub in-process)."""

    def publish(self, outgoing: Outgoing) -> None:
        """Send from any thread; returns at once."""

    async def run(self, deliver: Deliver, ready: asyncio.Event) -> None:
        """Call ``deliver`` on the running loop with every published event, until
        cancelled; ``ready`` is set once nothing published from now on can be missed."""


class LocalBus:
    """Within one process: straight to its hub's loop."""

    def __init__(self) -> None:
        self._target: tuple[asyncio.AbstractEventLoop, Deliver] | None = None

    def wanted(self) -> bool:
        return self._target is not None

    def publish(self, outgoing: Outgoing) -> None:
        target = self._target
        if target is None:
            return
        loop, deliver = target
        # A RuntimeError means the hub's loop has just closed: the server is stopping.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, outgoing)

    async def run(self, deliver: Deliver, ready: asyncio.Event) -> None:
        self._target = (asyncio.get_running_loop(), deliver)
        ready.set()
        try:
            await asyncio.Event().wait()
        finally:
            self._target = None


RECONNECT_SECONDS = 1.0


def _deliver_text(text: str | bytes, deliver: Deliver) -> None:
    """Decode one event from the bus and deliver it; a message that cannot be decoded is
    logged and skipped, never allowed to break the subscription."""
    from apps.realtime.wire import Outgoing

    try:
        outgoing = Outgoing.from_json(text if isinstance(text, str) else text.decode())
    except (ValueError, KeyError, TypeError):
        logger.exception("skipped an undecodable event from the bus")
        return
    deliver(outgoing)


async def _keep_listening(name: str, listen: Callable[[], Any]) -> None:
    """Run ``listen`` again whenever the connection to the engine fails."""
    while True:
        try:
            await listen()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("event bus (%s) lost its connection; reconnecting", name)
        await asyncio.sleep(RECONNECT_SECONDS)


class RedisBus:
    CHANNEL = "mattermost_py:events"

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None

    def wanted(self) -> bool:
        return True

    def publish(self, outgoing: Outgoing) -> None:
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(self.url)  # thread-safe connection pool
        self._client.publish(self.CHANNEL, outgoing.to_json())

    async def run(self, deliver: Deliver, ready: asyncio.Event) -> None:
        import redis.asyncio as aioredis

        async def listen() -> None:
            client = aioredis.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self.CHANNEL)
                    ready.set()
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            _deliver_text(message["data"], deliver)
            finally:
                await client.aclose()

        await _keep_listening(REDIS, listen)


class PostgresBus:
    """``NOTIFY`` payloads are limited to 8000 bytes, so an event is sent in pieces of at
    most ``PIECE`` characters (4 bytes each at worst), all in one transaction: they are
    delivered together, in order, and the listener joins them."""

    CHANNEL = "mattermost_py_events"
    PIECE = 1900
    # Pieces of an event whose other pieces never came are dropped after this long.
    STALE_SECONDS = 60.0

    def __init__(self) -> None:
        self._partial: dict[str, tuple[float, list[str | None]]] = {}

    def wanted(self) -> bool:
        return True

    def publish(self, outgoing: Outgoing) -> None:
        from django.db import connection, transaction

        from apps.core.ids import new_id

        text = outgoing.to_json()
        pieces = [text[i : i + self.PIECE] for i in range(0, len(text), self.PIECE)]
        message_id = new_id()
        with transaction.atomic(), connection.cursor() as cursor:
            for index, piece in enumerate(pieces):
                cursor.execute(
                    "SELECT pg_notify(%s, %s)",
                    [self.CHANNEL, f"{message_id} {index} {len(pieces)} {piece}"],
                )

    def receive(self, payload: str, deliver: Deliver) -> None:
        parts = payload.split(" ", 3)
        if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
            logger.warning("skipped a notification that is no event piece")
            return
        message_id, index, count, piece = parts
        total = int(count)
        if int(index) >= total:
            return
        if total == 1:
            _deliver_text(piece, deliver)
            return
        now = time.monotonic()
        self._partial = {
            key: entry
            for key, entry in self._partial.items()
            if now - entry[0] < self.STALE_SECONDS
        }
        _, pieces = self._partial.setdefault(message_id, (now, [None] * total))
        pieces[int(index)] = piece
        if all(part is not None for part in pieces):
            del self._partial[message_id]
            _deliver_text("".join(part or "" for part in pieces), deliver)

    async def run(self, deliver: Deliver, ready: asyncio.Event) -> None:
        import psycopg

        params = connection_params()

        async def listen() -> None:
            async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as db:
                await db.execute(f"LISTEN {self.CHANNEL}")
                ready.set()
                async for notice in db.notifies():
                    self.receive(notice.payload, deliver)

        await _keep_listening(POSTGRES, listen)


# Django's own OPTIONS keys, which are no connection parameters.
_DJANGO_ONLY_OPTIONS = {"isolation_level", "assume_role", "server_side_binding", "pool"}


def connection_params() -> dict[str, Any]:
    """psycopg connection parameters of the default database (the test database in tests)."""
    from django.db import connection

    config = connection.settings_dict
    params = {
        "dbname": config["NAME"],
        "user": config["USER"],
        "password": config["PASSWORD"],
        "host": config["HOST"],
        "port": config["PORT"],
        **{k: v for k, v in config["OPTIONS"].items() if k not in _DJANGO_ONLY_OPTIONS},
    }
    return {key: value for key, value in params.items() if value not in ("", None)}


_bus: Bus | None = None


def current_bus() -> Bus:
    """This process's bus, made on first use from the settings."""
    global _bus
    if _bus is None:
        from django.conf import settings

        kind = bus_kind(
            redis_url=settings.REDIS_URL,
            database_is_postgres=settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        )
        _bus = (
            RedisBus(settings.REDIS_URL)
            if kind == REDIS
            else PostgresBus()
            if kind == POSTGRES
            else LocalBus()
        )
    return _bus


def reset_bus() -> None:
    """Forget the bus, so the next use reads the settings again (tests)."""
    global _bus
    _bus = None


def forward(event: Event) -> None:
    """The ``apps.core.events`` listener: every committed event onto the bus."""
    from apps.realtime.wire import prepare

    bus = current_bus()
    if not bus.wanted():
        return
    outgoing = prepare(event)
    if outgoing is not None:
        bus.publish(outgoing)
