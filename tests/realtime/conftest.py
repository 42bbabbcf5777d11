"""A live server (the real ASGI application, uvicorn in a thread of the test process) and
a small WebSocket client for the real-time tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from django.db import connections
from websockets.sync.client import ClientConnection, connect

from apps.accounts.models import Session, User
from apps.channels.models import Channel
from apps.channels.services import channel_create
from apps.realtime.bus import reset_bus
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from mattermost_py.asgi import MattermostApplication
from mattermost_py.worker import uvicorn_options

WAIT = 5.0  # seconds a test waits for something that should happen


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:port
    application: MattermostApplication

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/api/v4/websocket"

    def wait_detached(self, connection_id: str) -> None:
        """Until the hub has noticed that the connection's socket closed."""
        hub = self.application.hub
        assert hub is not None
        wait_until(lambda: hub.connections[connection_id].outlet is None)


@pytest.fixture
def uvicorn_overrides() -> dict[str, Any]:
    """Server settings a test module changes (by overriding this fixture)."""
    return {}


@pytest.fixture
def live_asgi(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch, uvicorn_overrides: dict[str, Any]
) -> Iterator[LiveServer]:
    """The server as gunicorn's worker runs it, on a free port."""
    # Threads of the server must not keep database connections open past a request, or
    # the test database could not be flushed (or dropped) afterwards.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    reset_bus()
    application = MattermostApplication(threads=4)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    options = uvicorn_options() | {"loop": "asyncio", "log_config": None} | uvicorn_overrides
    server = uvicorn.Server(uvicorn.Config(application, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT * 2
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    port = listener.getsockname()[1]
    yield LiveServer(url=f"http://127.0.0.1:{port}", application=application)
    server.should_exit = True
    thread.join(WAIT * 2)
    listener.close()
    reset_bus()


def wait_until(condition: Callable[[], Any], seconds: float = WAIT * 3) -> Any:
    """Poll ``condition`` until it holds (returns its value) or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("waited in vain")


class Client:
    """A WebSocket client that reads JSON messages."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._stack = ExitStack()
        self.socket: ClientConnection = self._stack.enter_context(
            connect(url, additional_headers=headers, open_timeout=WAIT)
        )

    def send(self, message: dict[str, Any] | str) -> None:
        self.socket.send(message if isinstance(message, str) else json.dumps(message))

    def request(self, seq: int, action: str, data: dict[str, Any] | None = None) -> None:
        self.send({"seq": seq, "action": action, "data": data or {}})

    def receive(self, timeout: float = WAIT) -> dict[str, Any]:
        message = json.loads(self.socket.recv(timeout=timeout))
        assert isinstance(message, dict)
        return message

    def challenge(self, token: str, seq: int = 1) -> dict[str, Any]:
        """Authenticate; returns the ``hello`` (after checking the OK reply follows it)."""
        self.request(seq, "authentication_challenge", {"token": token})
        hello = self.receive()
        assert hello["event"] == "hello", hello
        assert self.receive() == {"status": "OK", "seq_reply": seq}
        return hello

    def event(self, name: str, timeout: float = WAIT) -> dict[str, Any]:
        """The next ``name`` event, skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(deadline - time.monotonic(), 0.01))
            if message.get("event") == name:
                return message

    def quiet(self, seconds: float = 0.5) -> list[dict[str, Any]]:
        """Everything received until nothing came for ``seconds``."""
        received = []
        while True:
            try:
                received.append(self.receive(seconds))
            except TimeoutError:
                return received

    def closed_within(self, seconds: float = WAIT) -> bool:
        """Whether the server closes the socket within ``seconds`` (messages are skipped)."""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))
        except TimeoutError:
            return False
        except Exception:  # ConnectionClosed, of either kind
            return True
        return False

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def ws(live_asgi: LiveServer) -> Iterator[Callable[..., Client]]:
    """``ws()`` opens a socket (``ws(token=...)`` authenticates by challenge)."""
    opened: list[Client] = []

    def open_socket(
        *, token: str | None = None, headers: dict[str, str] | None = None, query: str = ""
    ) -> Client:
        client = Client(live_asgi.ws_url + query, headers)
        opened.append(client)
        if token is not None:
            client.challenge(token)
        return client

    yield open_socket
    for client in opened:
        client.close()


@dataclass
class World:
    """alice and bob in a team with town-square and a private channel of alice's; carol
    outside it."""

    alice: User
    bob: User
    carol: User
    team: Team
    town_square: Channel
    private: Channel
    tokens: dict[str, str]


@pytest.fixture
def world(
    transactional_db: None,
    user: User,
    other_user: User,
    login: Callable[..., tuple[Session, str]],
) -> World:
    from apps.accounts.services import user_create

    carol = user_create(
        username="carol", email="carol@example.com", password="passw0rd!", roles="system_user"
    )
    team = team_create(creator=user, display_name="Team", name="team", type="O")
    team_member_add(team=team, user=other_user)
    private = channel_create(
        team=team, creator=user, name="secret", display_name="Secret", type="P"
    )
    return World(
        alice=user,
        bob=other_user,
        carol=carol,
        team=team,
        town_square=Channel.objects.get(team=team, name="town-square"),
        private=private,
        tokens={u.username: login(u)[1] for u in (user, other_user, carol)},
    )
