"""Calls to integration URLs: bounded, off the request path, and kept off internal
networks unless the operator allows them."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from apps.integrations import outbound
from apps.integrations.outbound import IntegrationCallError, call, dispatch, wait_idle
from tests.integrations.callback_server import Answer, CallbackServer


def test_call_returns_the_answer_and_sends_the_body(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    callback_server.answer = Answer(body=b'{"text": "hi"}')
    answer = call(
        f"{callback_server.url}/hook",
        body=b"a=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (answer.status, answer.body) == (200, b'{"text": "hi"}')
    assert answer.content_type == "application/json"
    (request,) = callback_server.wait_for(1)
    assert (request.method, request.path, request.body) == ("POST", "/hook", b"a=1")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_internal_addresses_are_refused_unless_allowed(
    db: None, callback_server: CallbackServer, host: str
) -> None:
    port = callback_server.server.server_address[1]
    with pytest.raises(IntegrationCallError, match="internal network"):
        call(f"http://{host}:{port}/")
    assert callback_server.received == []


@pytest.mark.parametrize("allowed", ["localhost", "127.0.0.0/8", "10.0.0.1, 127.0.0.1"])
def test_the_operator_can_allow_internal_hosts(
    mm_config: Callable[..., None], callback_server: CallbackServer, allowed: str
) -> None:
    mm_config(allowed_untrusted_internal_connections=allowed)
    port = callback_server.server.server_address[1]
    assert call(f"http://localhost:{port}/").status == 200


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "not a url", "http://[::1/"]
)
def test_urls_that_are_not_http_are_refused(db: None, url: str) -> None:
    with pytest.raises(IntegrationCallError):
        call(url)


def test_an_error_status_is_a_failed_call(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    callback_server.answer = Answer(status=500, body=b"boom")
    with pytest.raises(IntegrationCallError, match="500"):
        call(callback_server.url)


def test_an_oversize_answer_is_refused(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    callback_server.answer = Answer(body=b"x" * (outbound.MAX_RESPONSE_BYTES + 1))
    with pytest.raises(IntegrationCallError, match="longer than"):
        call(callback_server.url)


def test_a_silent_url_times_out(
    mm_config: Callable[..., None], callback_server: CallbackServer
) -> None:
    mm_config(
        allowed_untrusted_internal_connections="127.0.0.1",
        outgoing_integration_requests_timeout=1,
    )
    callback_server.release.clear()
    with pytest.raises(IntegrationCallError):
        call(callback_server.url)


def test_a_dead_port_is_a_failed_call(allow_loopback: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IntegrationCallError, match=r"could not be reached|cannot connect"):
        call(f"http://127.0.0.1:{port}/")


def test_dispatch_returns_before_the_work_runs_and_wait_idle_sees_it_finish() -> None:
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        release.wait(10)
        done.set()

    assert dispatch(work) is True
    assert started.wait(10)
    assert not done.is_set()
    assert wait_idle(0.05) is False
    release.set()
    assert wait_idle(10) is True
    assert done.is_set()


def test_dispatch_drops_work_beyond_the_waiting_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "MAX_PENDING", 2)
    release = threading.Event()
    ran: list[int] = []

    def work(n: int) -> Callable[[], None]:
        def run() -> None:
            release.wait(10)
            ran.append(n)

        return run

    accepted = [dispatch(work(n)) for n in range(4)]
    release.set()
    assert wait_idle(10)
    assert accepted == [True, True, False, False]
    assert sorted(ran) == [0, 1]


def test_a_failing_work_is_logged_and_does_not_stop_the_threads(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail() -> None:
        raise RuntimeError("broken integration")

    done = threading.Event()
    assert dispatch(fail)
    assert dispatch(done.set)
    assert wait_idle(10)
    assert done.is_set()
    assert "an integration call failed" in caplog.text


# Where a call may go: what the address guard and the redirects let through


def _resolving_to(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """Make every host name resolve to ``address`` (as a hostile DNS answer would)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


@pytest.mark.parametrize(
    "address",
    [
        "100.64.0.1",  # shared (carrier-grade NAT) space, internal in clouds
        "0.0.0.0",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",  # IPv4-mapped cloud metadata
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "fd00::1",
        "fe80::1",
        "::1",
    ],
)
def test_a_host_resolving_to_an_internal_address_is_refused(
    db: None, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    _resolving_to(monkeypatch, address)
    with pytest.raises(IntegrationCallError, match="internal network"):
        call("http://integration.example.com/")


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "0.0.0.0"]
)
def test_other_spellings_of_loopback_are_refused(
    db: None, callback_server: CallbackServer, host: str
) -> None:
    port = callback_server.server.server_address[1]
    with pytest.raises(IntegrationCallError):
        call(f"http://{host}:{port}/")
    assert callback_server.received == []


def test_a_redirect_to_an_internal_address_is_refused(
    mm_config: Callable[..., None], callback_server: CallbackServer
) -> None:
    # Only "localhost" is allowed: the redirect to 127.0.0.1 must be checked again.
    mm_config(allowed_untrusted_internal_connections="localhost")
    port = callback_server.server.server_address[1]
    callback_server.answer = Answer(
        status=302, headers={"Location": f"http://127.0.0.1:{port}/internal"}
    )
    with pytest.raises(IntegrationCallError, match="internal network"):
        call(f"http://localhost:{port}/start", method="GET")
    assert [request.path for request in callback_server.received] == ["/start"]


def test_a_redirect_to_ftp_is_refused(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    with socket.socket() as internal:
        internal.bind(("127.0.0.1", 0))
        internal.listen()
        internal.settimeout(0.5)
        ftp_port = internal.getsockname()[1]
        callback_server.answer = Answer(
            status=302, headers={"Location": f"ftp://127.0.0.1:{ftp_port}/x"}
        )
        with pytest.raises(IntegrationCallError, match="redirect"):
            call(callback_server.url, method="GET")
        with pytest.raises(TimeoutError):
            internal.accept()  # nothing ever connected to the "internal" service


def test_the_authorization_header_does_not_follow_a_redirect_to_another_host(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    from tests.integrations.callback_server import start_callback_server

    elsewhere = start_callback_server()
    try:
        callback_server.answer = Answer(
            status=302, headers={"Location": f"{elsewhere.url}/landing"}
        )
        call(callback_server.url, method="GET", headers={"Authorization": "Token secret"})
        (first,) = callback_server.wait_for(1)
        (landed,) = elsewhere.wait_for(1)
    finally:
        elsewhere.server.shutdown()
        elsewhere.server.server_close()
    assert first.headers["Authorization"] == "Token secret"
    assert "Authorization" not in landed.headers
    assert landed.path == "/landing"


def test_failures_never_quote_the_query_of_the_url(
    allow_loopback: None, callback_server: CallbackServer
) -> None:
    callback_server.answer = Answer(status=500)
    with pytest.raises(IntegrationCallError) as failure:
        call(f"{callback_server.url}/cmd?token=s3cr3ttoken&text=hi", method="GET")
    assert "500" in str(failure.value)
    assert "s3cr3ttoken" not in str(failure.value)
    assert "/cmd" in str(failure.value)


def test_a_url_with_a_password_is_refused_without_quoting_it(db: None) -> None:
    with pytest.raises(IntegrationCallError) as failure:
        call("http://user:hunter2@integration.example.com/")
    assert "hunter2" not in str(failure.value)


def _drip_server(stop: threading.Event, tls: ssl.SSLContext | None = None) -> int:
    """A server that answers headers at once, then one byte of body every 0.2 seconds
    (for 8 seconds at most): never silent long enough for a per-read timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        raw, _ = listener.accept()
        with listener, tls.wrap_socket(raw, server_side=True) if tls else raw as conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            for _ in range(40):
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])


def test_a_slowly_dripping_answer_is_cut_at_the_timeout(mm_config: Callable[..., None]) -> None:
    mm_config(
        allowed_untrusted_internal_connections="127.0.0.1",
        outgoing_integration_requests_timeout=1,
    )
    stop = threading.Event()
    port = _drip_server(stop)
    started = time.monotonic()
    try:
        with pytest.raises(IntegrationCallError, match="within 1 seconds"):
            call(f"http://127.0.0.1:{port}/", method="GET")
    finally:
        stop.set()
    assert time.monotonic() - started < 5


def test_a_process_shutting_down_does_not_wait_for_queued_calls(tmp_path: Path) -> None:
    """Calls still queued at exit are dropped (and counted in the log): a worker that
    gunicorn restarts must not hang on a dead integration URL for minutes."""
    script = (
        "import time, django; django.setup()\n"
        "from apps.integrations import outbound\n"
        "for _ in range(8):\n"
        "    outbound.dispatch(lambda: time.sleep(60))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mattermost_py.settings", "LOG_FORMAT": "plain"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 20
    assert "8 integration calls were not made" in done.stderr + done.stdout


def test_a_slowly_dripping_https_answer_is_cut_at_the_timeout(
    mm_config: Callable[..., None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Wrapping a socket in TLS detaches the plain one: the deadline must cut the TLS one."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    trusting = partial(ssl.create_default_context, cafile=str(cert))
    monkeypatch.setattr(outbound.ssl, "create_default_context", trusting)
    mm_config(
        allowed_untrusted_internal_connections="localhost 127.0.0.1 ::1",
        outgoing_integration_requests_timeout=1,
    )
    stop = threading.Event()
    port = _drip_server(stop, tls=server_tls)
    started = time.monotonic()
    try:
        with pytest.raises(IntegrationCallError, match="within 1 seconds"):
            call(f"https://localhost:{port}/", method="GET")
    finally:
        stop.set()
    assert time.monotonic() - started < 5
