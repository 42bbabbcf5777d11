"""Serve the Django WSGI application to an ASGI server, one request per thread.

The REST API is synchronous Django. Under the ASGI worker (see asgi.py) each HTTP request
is read on the event loop, then handed whole to a bounded pool of threads that runs the
WSGI application, exactly as gunicorn's threaded worker would: requests run in parallel up
to the pool size, each on a thread that keeps its own database connection. (asgiref's
adapter would run them one at a time on a single thread; Django's own ASGI handler does the
same for synchronous views.)

A response is collected in the thread and sent from the loop in one go, unless it is large
(a file download): then its chunks are streamed as the thread produces them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from apps.core.asgi_types import Message, Receive, Scope, Send

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

access_logger = logging.getLogger("access")

# Request bodies larger than this wait on disk rather than in memory.
BODY_IN_MEMORY = 1024 * 1024
# Responses up to this size are sent in one message; larger ones are streamed.
STREAM_ABOVE = 256 * 1024
# A streamed response goes out in pieces of about this size.
STREAM_PIECE = 64 * 1024


class BodyTooLarge(Exception):
    """The client sent more than any route accepts."""


class ClientGone(Exception):
    """The client disconnected before its request was complete."""


@dataclass
class _Response:
    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    size: int = 0
    started: bool = False  # streaming: the start message has been sent


def _header_pairs(scope: Scope) -> Iterable[tuple[str, str]]:
    for raw_name, raw_value in scope.get("headers", []):
        yield raw_name.decode("latin-1"), raw_value.decode("latin-1")


def wsgi_environ(scope: Scope, body: IO[bytes]) -> dict[str, Any]:
    """The WSGI environ for an ASGI HTTP scope (PEP 3333: strings carry latin-1 bytes)."""
    server_host, server_port = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
        "PATH_INFO": scope["path"].encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server_host),
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in _header_pairs(scope):
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = f"HTTP_{key}"
        if key in environ:
            # Repeated headers are joined as one; cookies have their own separator.
            value = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        environ[key] = value
    return environ


class WsgiBridge:
    """An ASGI application for HTTP scopes that runs ``wsgi_app`` on ``threads`` threads.

    ``max_body`` bounds what is read of a request body: a larger declared length is not
    read at all (the application refuses it by its ``Content-Length``), and a body that
    turns out larger is cut off with 413."""

    def __init__(self, wsgi_app: WsgiApp, *, threads: int, max_body: int) -> None:
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        response = _Response()
        try:
            body = await self._read_body(scope, receive)
        except ClientGone:
            return
        except BodyTooLarge:
            response.status = 413
            await self._send_whole(send, response, b"")
        else:
            with body:
                environ = wsgi_environ(scope, body)
                payload = await loop.run_in_executor(
                    self.pool, self._run, environ, response, send, loop
                )
            if payload is not None:
                await self._send_whole(send, response, payload)
        _log_access(scope, response, time.monotonic() - started)

    async def _read_body(self, scope: Scope, receive: Receive) -> IO[bytes]:
        body: IO[bytes] = SpooledTemporaryFile(max_size=BODY_IN_MEMORY)  # noqa: SIM115
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            return body  # never read; the application answers 413 by Content-Length
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                body.close()
                raise ClientGone
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body:
                body.close()
                raise BodyTooLarge
            body.write(chunk)
            more = message.get("more_body", False)
        body.seek(0)
        return body

    def _run(
        self,
        environ: dict[str, Any],
        response: _Response,
        send: Send,
        loop: asyncio.AbstractEventLoop,
    ) -> bytes | None:
        """Run the application on this thread. Returns the whole body, or None when it
        was streamed (already sent from here)."""

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            response.status = int(status.split(" ", 1)[0])
            response.headers = [
                (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
            ]
            return lambda data: None  # the legacy write() callable; Django never uses it

        def send_now(message: Message) -> None:
            asyncio.run_coroutine_threadsafe(send(message), loop).result()

        result = self.wsgi_app(environ, start_response)
        buffered: list[bytes] = []
        buffered_size = 0
        try:
            for chunk in result:
                if not chunk:
                    continue
                buffered.append(chunk)
                buffered_size += len(chunk)
                response.size += len(chunk)
                if buffered_size >= (STREAM_PIECE if response.started else STREAM_ABOVE):
                    if not response.started:
                        send_now(_start_message(response))
                        response.started = True
                    send_now(_body_message(b"".join(buffered), more=True))
                    buffered, buffered_size = [], 0
        finally:
            # Closing runs Django's request_finished on this thread (database clean-up).
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not response.started:
            return b"".join(buffered)
        send_now(_body_message(b"".join(buffered), more=False))
        return None

    async def _send_whole(self, send: Send, response: _Response, payload: bytes) -> None:
        response.size = len(payload)
        await send(_start_message(response))
        await send(_body_message(payload, more=False))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _start_message(response: _Response) -> Message:
    return {"type": "http.response.start", "status": response.status, "headers": response.headers}


def _body_message(body: bytes, *, more: bool) -> Message:
    return {"type": "http.response.body", "body": body, "more_body": more}


def _log_access(scope: Scope, response: _Response, seconds: float) -> None:
    if not access_logger.isEnabledFor(logging.INFO):
        return
    headers = dict(response.headers)
    request_headers = dict(scope.get("headers", []))
    client = scope.get("client") or ("", 0)
    fields = {
        "remote_addr": client[0],
        "method": scope["method"],
        "path": scope["path"],
        "query": scope.get("query_string", b"").decode("latin-1"),
        "status": str(response.status),
        "bytes": str(response.size),
        "duration_ms": str(round(seconds * 1000)),
        "user_agent": request_headers.get(b"user-agent", b"").decode("latin-1"),
        "request_id": headers.get(b"x-request-id", b"").decode("latin-1"),
    }
    access_logger.info(
        '%s "%s %s" %s %s %sms',
        fields["remote_addr"],
        fields["method"],
        fields["path"],
        fields["status"],
        fields["bytes"],
        fields["duration_ms"],
        extra={"access": fields, "request_id": fields["request_id"]},
    )
