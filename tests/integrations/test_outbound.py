"""Calls to integration URLs: bounded, off the request path, and kept off internal
networks unless the operator allows them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

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
