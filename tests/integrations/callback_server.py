"""A local HTTP server standing in for an integration's URL in tests: it records every
request it gets and answers what the test told it to, optionally only once the test
releases it (to show that the server does not wait for it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    content_type: str = "application/json"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CallbackServer:
    server: ThreadingHTTPServer
    answer: Answer = field(default_factory=Answer)
    received: list[Received] = field(default_factory=list)
    # Cleared: requests are held (after being recorded) until the test sets it.
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """The first ``count`` requests, once they have arrived (AssertionError if not)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} requests arrived")
            return self.received[:count]


def start_callback_server() -> CallbackServer:
    holder: list[CallbackServer] = []

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            state = holder[0]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with state.arrived:
                state.received.append(
                    Received(self.command, self.path, dict(self.headers.items()), body)
                )
                state.arrived.notify_all()
            state.release.wait(30)
            answer = state.answer
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = CallbackServer(server=server)
    state.release.set()
    holder.append(state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state
