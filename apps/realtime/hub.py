"""The hub of one worker process: its connections, who may hear which event, and delivery
with a sequence number per connection.

Filtering never queries the database per event: the hub keeps, for every user with a
connection here, the channels and teams they belong to (loaded once when their first
connection authenticates, then kept current by the membership events themselves, and
reloaded every ``WEBSOCKET_MEMBERSHIP_REFRESH_SECONDS`` as a safety net), with indexes
from channel and team to their connected users.

A connection outlives its socket for ``WEBSOCKET_RESUME_SECONDS``: events keep being
numbered and kept (the last ``DEAD_QUEUE_SIZE`` of them), so a client that reconnects with
``connection_id`` and ``sequence_number`` gets what it missed, as Mattermost does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import close_old_connections

from apps.core.ids import new_id
from apps.core.middleware import version_header
from apps.realtime import access
from apps.realtime.bus import current_bus
from apps.realtime.limits import DEAD_QUEUE_SIZE
from apps.realtime.wire import (
    SESSION_REVOKED,
    Outgoing,
    compact,
    envelope_prefix,
    frame,
    user_broadcast_json,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long start-up waits for the bus before serving anyway (it keeps reconnecting).
BUS_READY_SECONDS = 10.0
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001


class Outlet(Protocol):
    """The socket side of a connection."""

    def send_text(self, text: str) -> None: ...

    def close(self, code: int) -> None: ...


@dataclass(frozen=True)
class Resume:
    """What a reconnecting client sends: the connection it had and the next ``seq`` it
    expects (None when it sent none)."""

    connection_id: str
    sequence_number: int | None


class Connection:
    """One client connection: who it is, the events sent to it (kept for a reconnect) and
    the socket it is attached to, None between a drop and the reconnect."""

    def __init__(self, identity: access.Identity) -> None:
        self.id = new_id()
        self.identity = identity
        self.next_seq = 0
        self.sent: deque[tuple[int, str]] = deque(maxlen=DEAD_QUEUE_SIZE)
        self.outlet: Outlet | None = None
        self.detached_at = 0.0

    def push(self, prefix: str) -> None:
        """Number the event (envelope without its ``seq``), keep it and send it."""
        seq = self.next_seq
        self.next_seq += 1
        self.sent.append((seq, prefix))
        if self.outlet is not None:
            self.outlet.send_text(frame(prefix, seq))

    def can_resume(self, sequence_number: int) -> bool:
        """Whether every event from ``sequence_number`` on is still kept (or none was sent
        since, when it is the next number)."""
        if sequence_number == self.next_seq:
            return True
        return bool(self.sent) and self.sent[0][0] <= sequence_number < self.next_seq

    def replay_from(self, sequence_number: int) -> None:
        if self.outlet is None:
            return
        for seq, prefix in self.sent:
            if seq >= sequence_number:
                self.outlet.send_text(frame(prefix, seq))


# Membership changes: (scope, id, joined).
CHANNEL, TEAM = "channel", "team"
Change = tuple[str, str, bool]


class UserAccess:
    """A connected user: their channels and teams, and their connections here."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.channels: set[str] = set()
        self.teams: set[str] = set()
        self.connections: set[Connection] = set()
        self.loaded = asyncio.Event()
        self.loaded_at = 0.0
        # Changes heard while the memberships are being (re)loaded, replayed onto the
        # loaded snapshot; None when no load is running.
        self.journal: list[Change] | None = []
        self.first_load: asyncio.Task[None] | None = None
        self.registering = 0  # connections authenticating right now


def _with_fresh_connection(call: Callable[[], T]) -> T:
    # Like a request: drop a database connection that is too old or broken, before and after.
    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()


class Hub:
    def __init__(self, *, threads: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="realtime")
        self.connections: dict[str, Connection] = {}
        self.users: dict[str, UserAccess] = {}
        self.channel_users: defaultdict[str, set[str]] = defaultdict(set)
        self.team_users: defaultdict[str, set[str]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []

    # Life cycle

    async def start(self) -> None:
        ready = asyncio.Event()
        self._tasks = [
            asyncio.create_task(current_bus().run(self.deliver, ready)),
            asyncio.create_task(self._every(_resume_seconds() / 4, self._reap_detached)),
            asyncio.create_task(self._every(_setting("SESSION_CHECK"), self._check_sessions)),
            asyncio.create_task(
                self._every(_setting("MEMBERSHIP_REFRESH") / 4, self._refresh_memberships)
            ),
        ]
        try:
            await asyncio.wait_for(ready.wait(), BUS_READY_SECONDS)
        except TimeoutError:
            logger.error("the event bus is not reachable yet; WebSocket events wait for it")

    async def stop(self) -> None:
        for connection in list(self.connections.values()):
            self.forget(connection, CLOSE_GOING_AWAY)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def run_db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run synchronous Django code on the hub's threads."""
        call = partial(function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(
            self.pool, _with_fresh_connection, call
        )

    async def _every(self, seconds: float, job: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(max(seconds, 0.05))
            try:
                await job()
            except Exception:
                logger.exception("WebSocket hub maintenance failed")

    # Connections

    async def register(
        self, outlet: Outlet, identity: access.Identity, resume: Resume | None
    ) -> Connection:
        """Attach an authenticated socket: to the connection it resumes when every event
        it missed is still kept (they are sent again), else to a new connection that
        starts with ``hello``."""
        user = self.users.get(identity.user_id) or self._add_user(identity.user_id)
        user.registering += 1
        try:
            await self._ensure_loaded(user)
            connection = self._resumed(identity, resume, outlet)
            if connection is None:
                connection = Connection(identity)
                self.connections[connection.id] = connection
                user.connections.add(connection)
                connection.outlet = outlet
                connection.push(self._hello(connection))
            return connection
        finally:
            user.registering -= 1
            self._drop_user_if_gone(user)

    def _resumed(
        self, identity: access.Identity, resume: Resume | None, outlet: Outlet
    ) -> Connection | None:
        if resume is None:
            return None
        connection = self.connections.get(resume.connection_id)
        if (
            connection is None
            or connection.outlet is not None
            or connection.identity.user_id != identity.user_id
        ):
            return None
        if resume.sequence_number is None or not connection.can_resume(resume.sequence_number):
            self.forget(connection, CLOSE_NORMAL)  # what it missed is gone: start afresh
            return None
        connection.identity = identity
        connection.outlet = outlet
        connection.replay_from(resume.sequence_number)
        return connection

    def _hello(self, connection: Connection) -> str:
        data = {"server_version": version_header(), "connection_id": connection.id}
        return envelope_prefix(
            "hello", compact(data), user_broadcast_json(connection.identity.user_id)
        )

    def detach(self, connection: Connection, outlet: Outlet) -> None:
        """The socket closed: keep the connection a while for a reconnect."""
        if connection.outlet is outlet:
            connection.outlet = None
            connection.detached_at = time.monotonic()

    def forget(self, connection: Connection, close_code: int) -> None:
        """Close the connection's socket and drop the connection for good."""
        if connection.outlet is not None:
            connection.outlet.close(close_code)
            connection.outlet = None
        self.connections.pop(connection.id, None)
        user = self.users.get(connection.identity.user_id)
        if user is not None:
            user.connections.discard(connection)
            self._drop_user_if_gone(user)

    # Users and their memberships

    def _add_user(self, user_id: str) -> UserAccess:
        user = UserAccess(user_id)
        self.users[user_id] = user
        return user

    def _drop_user_if_gone(self, user: UserAccess) -> None:
        if user.connections or user.registering or self.users.get(user.user_id) is not user:
            return
        del self.users[user.user_id]
        self._index(user, CHANNEL, user.channels, joined=False)
        self._index(user, TEAM, user.teams, joined=False)

    async def _ensure_loaded(self, user: UserAccess) -> None:
        """Wait for the user's memberships; the first connection of a user loads them."""
        if user.first_load is None:
            user.first_load = asyncio.create_task(self._load(user))
        try:
            await asyncio.shield(user.first_load)
        except Exception:
            user.first_load = None  # the next connection tries again
            raise

    async def _load(self, user: UserAccess) -> None:
        """(Re)load the user's memberships; changes heard meanwhile are replayed on top."""
        if user.journal is None:
            user.journal = []
        try:
            channels, teams = await self.run_db(access.memberships, user.user_id)
        except BaseException:
            user.journal = None if user.loaded.is_set() else []
            raise
        if self.users.get(user.user_id) is not user:
            return  # every connection of the user closed meanwhile
        self._index(user, CHANNEL, user.channels, joined=False)
        self._index(user, TEAM, user.teams, joined=False)
        user.channels, user.teams = channels, teams
        self._index(user, CHANNEL, channels, joined=True)
        self._index(user, TEAM, teams, joined=True)
        journal, user.journal = user.journal or [], None
        for change in journal:
            self._apply(user, change)
        user.loaded_at = time.monotonic()
        user.loaded.set()

    def _index(self, user: UserAccess, scope: str, ids: Iterable[str], *, joined: bool) -> None:
        index = self.channel_users if scope == CHANNEL else self.team_users
        for scope_id in ids:
            if joined:
                index[scope_id].add(user.user_id)
            elif scope_id in index:
                index[scope_id].discard(user.user_id)
                if not index[scope_id]:
                    del index[scope_id]

    def _change(self, user_id: Any, scope: str, scope_id: Any, *, joined: bool) -> None:
        """A user joined or left a channel or team (ignored unless they are connected)."""
        if not isinstance(user_id, str) or not isinstance(scope_id, str) or not scope_id:
            return
        user = self.users.get(user_id)
        if user is None:
            return
        change = (scope, scope_id, joined)
        if user.journal is not None:
            user.journal.append(change)
        if user.loaded.is_set():
            self._apply(user, change)

    def _apply(self, user: UserAccess, change: Change) -> None:
        scope, scope_id, joined = change
        ids = user.channels if scope == CHANNEL else user.teams
        if joined:
            ids.add(scope_id)
        else:
            ids.discard(scope_id)
        self._index(user, scope, [scope_id], joined=joined)

    # Delivery

    def deliver(self, outgoing: Outgoing) -> None:
        """Hand an event from the bus to every connection that may hear it."""
        try:
            if outgoing.event == SESSION_REVOKED:
                self._end_session(outgoing)
                return
            self._membership_before(outgoing)
            self._send(outgoing)
            self._membership_after(outgoing)
        except Exception:
            logger.exception("could not deliver the %s event", outgoing.event)

    def _membership_before(self, outgoing: Outgoing) -> None:
        """Joins count before delivery (a new member hears that they joined); a member
        removed from a channel no longer hears it (they get their own copy)."""
        event, data, channel_id = outgoing.event, outgoing.data, outgoing.channel_id
        if event == "user_added":
            self._change(data.get("user_id"), CHANNEL, channel_id, joined=True)
        elif event == "direct_added":
            for key in ("creator_id", "teammate_id"):
                self._change(data.get(key), CHANNEL, channel_id, joined=True)
        elif event == "group_added":
            for user_id in _json_list(data.get("teammate_ids")):
                self._change(user_id, CHANNEL, channel_id, joined=True)
        elif event == "channel_created":
            self._change(outgoing.user_id, CHANNEL, data.get("channel_id"), joined=True)
        elif event == "user_removed" and channel_id:
            self._change(data.get("user_id"), CHANNEL, channel_id, joined=False)
        elif event == "added_to_team":
            self._change(data.get("user_id"), TEAM, data.get("team_id"), joined=True)

    def _membership_after(self, outgoing: Outgoing) -> None:
        """A user leaving a team still hears that they left."""
        if outgoing.event == "leave_team":
            data = outgoing.data
            self._change(data.get("user_id"), TEAM, data.get("team_id"), joined=False)

    def _audience(self, outgoing: Outgoing) -> list[Connection]:
        """The connections that may hear the event: the user's, the channel members',
        the team members', or everyone's, less ``omit_users``."""
        user_ids: Iterable[str]
        if outgoing.user_id:
            user_ids = (outgoing.user_id,)
        elif outgoing.channel_id:
            user_ids = self.channel_users.get(outgoing.channel_id, ())
        elif outgoing.team_id:
            user_ids = self.team_users.get(outgoing.team_id, ())
        else:
            user_ids = self.users.keys()
        omitted = set(outgoing.omit_users)
        audience: list[Connection] = []
        for user_id in user_ids:
            user = self.users.get(user_id)
            if user is not None and user_id not in omitted and user.loaded.is_set():
                audience.extend(user.connections)
        return audience

    def _send(self, outgoing: Outgoing) -> None:
        broadcast = outgoing.broadcast_json()
        prefixes: dict[tuple[str, bool], str] = {}
        for connection in self._audience(outgoing):
            user_id = connection.identity.user_id
            admin = connection.identity.is_admin and bool(outgoing.for_admins)
            key = (user_id if user_id in outgoing.per_user else "", admin)
            prefix = prefixes.get(key)
            if prefix is None:
                data = outgoing.data
                if admin:
                    data = {**data, **outgoing.for_admins}
                if key[0]:
                    data = {**data, **outgoing.per_user[user_id]}
                prefix = prefixes[key] = envelope_prefix(outgoing.event, compact(data), broadcast)
            connection.push(prefix)

    def _end_session(self, outgoing: Outgoing) -> None:
        user = self.users.get(outgoing.user_id)
        session_id = outgoing.data.get("session_id")
        for connection in list(user.connections if user else ()):
            if connection.identity.session_id == session_id:
                self.forget(connection, CLOSE_NORMAL)

    # Maintenance

    async def _reap_detached(self) -> None:
        deadline = time.monotonic() - _resume_seconds()
        for connection in list(self.connections.values()):
            if connection.outlet is None and connection.detached_at < deadline:
                self.forget(connection, CLOSE_NORMAL)

    async def _check_sessions(self) -> None:
        """Close the connections whose session ended in a way no event told (expiry, or a
        change made where this hub cannot hear it)."""
        checked = {c.identity.session_id for c in self.connections.values()}
        if not checked:
            return
        live = await self.run_db(access.live_sessions, checked)
        for connection in list(self.connections.values()):
            session_id = connection.identity.session_id
            if session_id in checked and session_id not in live:
                self.forget(connection, CLOSE_NORMAL)

    async def _refresh_memberships(self) -> None:
        stale = time.monotonic() - _setting("MEMBERSHIP_REFRESH")
        for user in list(self.users.values()):
            if user.loaded.is_set() and user.loaded_at < stale and user.journal is None:
                await self._load(user)  # one user at a time: two small queries each


def _setting(name: str) -> float:
    return float(getattr(settings, f"WEBSOCKET_{name}_SECONDS"))


def _resume_seconds() -> float:
    return _setting("RESUME")


def _json_list(value: Any) -> list[Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []
