"""The server pings every socket and drops those that stop answering (Mattermost drops a
silent peer within 100 s; these tests use a fraction of a second)."""

from __future__ import annotations

import base64
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.realtime.conftest import Client, LiveServer, World

PING_OPCODE = 0x9
CLOSE_OPCODE = 0x8


@pytest.fixture
def uvicorn_overrides() -> dict[str, Any]:
    return {"ws_ping_interval": 0.2, "ws_ping_timeout": 1.0}


def raw_upgrade(live_asgi: LiveServer) -> socket.socket:
    """A WebSocket opened by hand, so that nothing answers the server's pings."""
    port = int(live_asgi.url.rsplit(":", 1)[1])
    conn = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    conn.sendall(
        (
            "GET /api/v4/websocket HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += conn.recv(1024)
    assert response.startswith(b"HTTP/1.1 101"), response
    return conn


def read_frames(conn: socket.socket, seconds: float) -> list[int]:
    """The opcodes of the frames received until the server hangs up (or time runs out)."""
    opcodes: list[int] = []
    deadline = time.monotonic() + seconds
    buffer = b""
    while time.monotonic() < deadline:
        conn.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            opcodes.append(-1)  # the server closed the TCP connection
            break
        buffer += chunk
        while len(buffer) >= 2 and len(buffer) >= 2 + (buffer[1] & 0x7F):
            length = buffer[1] & 0x7F  # server frames here are short and unmasked
            opcodes.append(buffer[0] & 0x0F)
            buffer = buffer[2 + length :]
    return opcodes


def test_a_peer_that_does_not_answer_pings_is_dropped(live_asgi: LiveServer) -> None:
    conn = raw_upgrade(live_asgi)
    try:
        opcodes = read_frames(conn, 6)
    finally:
        conn.close()
    assert opcodes[0] == PING_OPCODE
    assert opcodes[-1] in (CLOSE_OPCODE, -1)


def test_a_peer_that_answers_pings_stays(ws: Callable[..., Client], world: World) -> None:
    client = ws(token=world.tokens["alice"])  # the client library answers pings itself
    assert not client.closed_within(1.5)
