"""The bridge that serves the Django (WSGI) application to the ASGI server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from apps.core.asgi_types import Message
from mattermost_py.wsgi_bridge import STREAM_ABOVE, WsgiBridge, wsgi_environ


def http_scope(**changes: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v4/users/me",
        "root_path": "",
        "query_string": b"page=2",
        "headers": [(b"host", b"chat.example.com"), (b"content-type", b"application/json")],
        "server": ("127.0.0.1", 8065),
        "client": ("10.0.0.7", 51000),
        "scheme": "http",
        "http_version": "1.1",
    }
    return scope | changes


def call(
    bridge: WsgiBridge, scope: dict[str, Any], body: list[bytes] | None = None
) -> list[Message]:
    """Run one request through the bridge; the messages it sent."""
    chunks = [*(body or [b""])]
    sent: list[Message] = []

    async def receive() -> Message:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(bridge(scope, receive, send))
    return sent


def app_answering(
    body: Iterable[bytes], seen: list[dict[str, Any]] | None = None, delay: float = 0.0
) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if seen is not None:
            environ["body"] = environ["wsgi.input"].read()
            seen.append(environ)
        time.sleep(delay)
        start_response("201 Created", [("Content-Type", "application/json"), ("X-Id", "7")])
        return body

    return app


def test_the_environ_follows_the_wsgi_rules() -> None:
    scope = http_scope(
        path="/api/v4/caf\u00e9",
        headers=[
            (b"content-length", b"2"),
            (b"x-forwarded-for", b"1.1.1.1"),
            (b"x-forwarded-for", b"2.2.2.2"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
        ],
    )
    environ = wsgi_environ(scope, body=None)  # type: ignore[arg-type]
    assert environ["PATH_INFO"] == "/api/v4/caf\u00e9".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "page=2"
    assert environ["CONTENT_LENGTH"] == "2"
    assert "HTTP_CONTENT_LENGTH" not in environ
    assert environ["HTTP_X_FORWARDED_FOR"] == "1.1.1.1,2.2.2.2"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("10.0.0.7", "8065")
    assert environ["wsgi.multithread"] is True


def test_a_request_and_its_response_cross_the_bridge() -> None:
    seen: list[dict[str, Any]] = []
    bridge = WsgiBridge(app_answering([b'{"a":', b"1}"], seen), threads=2, max_body=100)
    sent = call(bridge, http_scope(method="POST"), body=[b'{"x":', b" 1}"])
    assert seen[0]["body"] == b'{"x": 1}'
    assert seen[0]["REQUEST_METHOD"] == "POST"
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"application/json"), (b"x-id", b"7")],
        },
        {"type": "http.response.body", "body": b'{"a":1}', "more_body": False},
    ]


def test_a_large_response_is_streamed() -> None:
    piece = b"x" * (STREAM_ABOVE // 2)
    bridge = WsgiBridge(app_answering([piece] * 5), threads=1, max_body=100)
    sent = call(bridge, http_scope())
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len(bodies) > 1
    assert b"".join(m["body"] for m in bodies) == piece * 5
    assert [m["more_body"] for m in bodies][-1] is False


def test_a_body_larger_than_any_route_accepts_is_refused() -> None:
    seen: list[dict[str, Any]] = []
    bridge = WsgiBridge(app_answering([b"{}"], seen), threads=1, max_body=4)
    sent = call(bridge, http_scope(method="POST"), body=[b"abc", b"def"])
    assert sent[0]["status"] == 413
    assert seen == []


def test_a_declared_oversize_body_is_left_to_the_application() -> None:
    """Django answers 413 from Content-Length alone; the body is never read."""
    seen: list[dict[str, Any]] = []
    bridge = WsgiBridge(app_answering([b"{}"], seen), threads=1, max_body=4)
    scope = http_scope(method="POST", headers=[(b"content-length", b"999999")])
    call(bridge, scope, body=[b"never read"])
    assert seen[0]["body"] == b""
    assert seen[0]["CONTENT_LENGTH"] == "999999"


@pytest.mark.parametrize("threads", [1, 4])
def test_requests_run_in_parallel_up_to_the_pool_size(threads: int) -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.1)
        with lock:
            running -= 1
        start_response("200 OK", [])
        return [b""]

    bridge = WsgiBridge(app, threads=threads, max_body=10)

    async def many() -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            return None

        await asyncio.gather(*(bridge(http_scope(), receive, send) for _ in range(8)))

    asyncio.run(many())
    assert most == threads
