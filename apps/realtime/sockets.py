"""One client's WebSocket at ``/api/v4/websocket``: the upgrade, authentication (with the
upgrade's token, or later with the ``authentication_challenge`` action), the requests the
client sends, and a writer that sends events and replies in order without ever making the
hub wait for a slow client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from apps.core.asgi_types import Receive, Scope, Send
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.realtime import access
from apps.realtime.actions import ACTIONS, socket_error
from apps.realtime.hub import CLOSE_NORMAL, Connection, Hub, Resume
from apps.realtime.limits import SEND_QUEUE_SIZE
from apps.realtime.wire import reply_error, reply_ok

logger = logging.getLogger(__name__)


WEBSOCKET_PATH = re.compile(r"^/api/v4/websocket/?$")
AUTHENTICATION_CHALLENGE = "authentication_challenge"
CLOSE_POLICY_VIOLATION = 1008  # not authenticated (in time), or a refused token
CLOSE_INVALID_DATA = 1007  # a message that is not a request
CLOSE_TRY_AGAIN_LATER = 1013  # the client reads too slowly
CLOSE_INTERNAL_ERROR = 1011
# How long a closing socket may take to flush what was queued for it.
FLUSH_SECONDS = 2.0


class Socket:
    """The sending side of one WebSocket: an outbox drained by its own task."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._close_code = CLOSE_NORMAL
        self.closed = False
        self._writer = asyncio.create_task(self._write())

    def send_text(self, text: str) -> None:
        if self.closed:
            return
        if self._outbox.qsize() >= SEND_QUEUE_SIZE:
            logger.warning("closing a WebSocket whose client does not keep up")
            self.close(CLOSE_TRY_AGAIN_LATER)
            return
        self._outbox.put_nowait(text)

    def close(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            self._close_code = code
            self._outbox.put_nowait(None)

    async def _write(self) -> None:
        with contextlib.suppress(Exception):  # a failed send means the client is gone
            while (text := await self._outbox.get()) is not None:
                await self._send({"type": "websocket.send", "text": text})
            await self._send({"type": "websocket.close", "code": self._close_code})

    async def finish(self) -> None:
        self.close(CLOSE_NORMAL)
        with contextlib.suppress(TimeoutError):  # then wait_for cancels the writer
            await asyncio.wait_for(self._writer, FLUSH_SECONDS)


def origin_allowed(scope: Scope) -> bool:
    """Browsers send ``Origin``: it must name the host the client connected to (the
    same-origin rule Mattermost applies when no CORS origins are configured)."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin")
    if origin is None:
        return True
    netloc = urlsplit(origin.decode("latin-1")).netloc.lower()
    return bool(netloc) and netloc == headers.get(b"host", b"").decode("latin-1").lower()


def resume_request(scope: Scope) -> Resume | None:
    """``?connection_id=...&sequence_number=...`` of a client that reconnects."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    connection_id = query.get("connection_id", [""])[0]
    if not is_valid_id(connection_id):
        return None
    raw = query.get("sequence_number", [""])[0]
    sequence_number = int(raw) if raw.isdigit() else None
    return Resume(connection_id=connection_id, sequence_number=sequence_number)


def parse_request(text: str) -> tuple[int, str, dict[str, Any]] | None:
    """``(seq, action, data)`` of a client message, None when it is no request (the
    connection is then closed, as Mattermost does when a message cannot be decoded)."""
    try:
        request = json.loads(text)
    except ValueError:
        return None
    if not isinstance(request, dict):
        return None
    seq, action, data = request.get("seq", 0), request.get("action", ""), request.get("data")
    if isinstance(seq, bool) or not isinstance(seq, int) or not isinstance(action, str):
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None
    return seq, action, data


class ClientSession:
    """What one socket has said and who it is."""

    def __init__(self, hub: Hub, socket: Socket, resume: Resume | None) -> None:
        self.hub = hub
        self.socket = socket
        self.resume = resume
        self.connection: Connection | None = None

    @property
    def identity(self) -> access.Identity:
        assert self.connection is not None
        return self.connection.identity

    async def authenticate(self, credentials: access.Credentials) -> bool:
        identity = await self.hub.run_db(access.identify, credentials)
        if identity is None or self.socket.closed:
            return False
        self.connection = await self.hub.register(self.socket, identity, self.resume)
        return True

    def close_if_anonymous(self) -> None:
        if self.connection is None:
            self.socket.close(CLOSE_POLICY_VIOLATION)

    async def handle(self, text: str) -> None:
        request = parse_request(text)
        if request is None:
            self.socket.close(CLOSE_INVALID_DATA)
            return
        seq, action, data = request
        if not action:
            self.socket.send_text(reply_error(seq, socket_error("no_action")))
        elif seq <= 0:
            self.socket.send_text(reply_error(seq, socket_error("bad_seq")))
        elif action == AUTHENTICATION_CHALLENGE:
            await self._challenge(seq, data)
        elif self.connection is None:
            self.socket.send_text(reply_error(seq, socket_error("not_authenticated")))
        else:
            await self._act(seq, action, data)

    async def _challenge(self, seq: int, data: dict[str, Any]) -> None:
        """Log in with ``data.token``: ``hello``, then the reply. A bad token closes the
        socket without a word; a second challenge is ignored."""
        if self.connection is not None:
            return
        token = data.get("token")
        if not isinstance(token, str) or not await self.authenticate(access.Credentials(token)):
            self.socket.close(CLOSE_POLICY_VIOLATION)
            return
        self.socket.send_text(reply_ok(seq))

    async def _act(self, seq: int, action: str, data: dict[str, Any]) -> None:
        handler = ACTIONS.get(action)
        try:
            if handler is None:
                raise socket_error("bad_action")
            result = await handler(self, data)
        except AppError as error:
            self.socket.send_text(reply_error(seq, error))
            return
        self.socket.send_text(reply_ok(seq, result))


async def _drain(receive: Receive) -> None:
    """Wait for the client to acknowledge the close (or go)."""
    with contextlib.suppress(Exception):
        while (await asyncio.wait_for(receive(), FLUSH_SECONDS))["type"] != "websocket.disconnect":
            pass


async def serve_websocket(scope: Scope, receive: Receive, send: Send, hub: Hub) -> None:
    """The ASGI application for WebSocket scopes."""
    if (await receive())["type"] != "websocket.connect":
        return
    if not WEBSOCKET_PATH.match(scope["path"]) or not origin_allowed(scope):
        await send({"type": "websocket.close", "code": CLOSE_POLICY_VIOLATION})  # HTTP 403
        return
    await send({"type": "websocket.accept"})
    socket = Socket(send)
    session = ClientSession(hub, socket, resume_request(scope))
    deadline = asyncio.get_running_loop().call_later(
        float(settings.WEBSOCKET_AUTH_TIMEOUT_SECONDS), session.close_if_anonymous
    )
    try:
        credentials = access.token_from_upgrade(
            scope.get("headers", []), scope.get("query_string", b"")
        )
        if credentials is not None:
            await session.authenticate(credentials)
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            if not socket.closed:
                text = message.get("text")
                if text is None:
                    text = (message.get("bytes") or b"").decode("utf-8", "replace")
                await session.handle(text)
    except Exception:
        # A failure of ours (the database, most likely): the client reconnects.
        logger.exception("WebSocket failed")
        socket.close(CLOSE_INTERNAL_ERROR)
        await _drain(receive)
    finally:
        deadline.cancel()
        if session.connection is not None:
            hub.detach(session.connection, socket)
        await socket.finish()
