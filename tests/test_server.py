"""Start the real server (gunicorn, not the test client) and talk to it over HTTP and
the WebSocket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from websockets.sync.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds}s")


def start_server(
    tmp_path: Path, log: Path | None = None, **env: str
) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MM_", "DATABASE_URL"))}
    environ |= {"DATA_DIR": str(tmp_path), "GUNICORN_BIND": f"127.0.0.1:{port}", **env}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environ,
        check=True,
    )
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "mattermost_py/gunicorn.conf.py"],
        cwd=ROOT,
        env=environ,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/v4/system/ping", process)
    except BaseException:
        process.kill()
        raise
    return base, process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    base, process = start_server(tmp_path, GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
    yield base
    stop(process)


def test_gunicorn_serves_ping(server: str) -> None:
    response = requests.get(f"{server}/api/v4/system/ping", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert len(response.headers["X-Request-Id"]) == 26
    assert response.json()["status"] == "OK"


def test_gunicorn_serves_json_errors(server: str) -> None:
    response = requests.get(f"{server}/api/v4/no/such/route", timeout=5)
    assert response.status_code == 404
    assert response.json()["id"] == "api.context.404.app_error"
    assert response.json()["request_id"] == response.headers["X-Request-Id"]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server must be installed in CI")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)


def test_rate_limit_is_shared_by_worker_processes(tmp_path: Path, redis_url: str) -> None:
    base, process = start_server(
        tmp_path,
        REDIS_URL=redis_url,
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="1",
        MM_RATELIMITSETTINGS_ENABLE="true",
        MM_RATELIMITSETTINGS_PERSEC="1",
        MM_RATELIMITSETTINGS_MAXBURST="9",
    )
    try:
        ping = f"{base}/api/v4/system/ping"
        # Start at the beginning of a window so the whole burst falls inside it, with
        # seconds to spare on a machine busy with other tests.
        while True:
            first = requests.get(ping, timeout=5)
            if int(first.headers["X-Ratelimit-Reset"]) >= 8:
                break
            time.sleep(int(first.headers["X-Ratelimit-Reset"]) + 1)
        assert first.headers["X-Ratelimit-Limit"] == "10"
        left = int(first.headers["X-Ratelimit-Remaining"])  # start-up pings count too
        assert left > 0
        # A new connection per request, so the three workers share the traffic.
        statuses = [requests.get(ping, timeout=5).status_code for _ in range(left + 5)]
        assert statuses == [200] * left + [429] * 5
    finally:
        stop(process)


def test_logs_are_json_lines_carrying_the_request_id(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    base, process = start_server(tmp_path, log=log, GUNICORN_WORKERS="1")
    try:
        refused = requests.get(f"{base}/api/v4/users/me", timeout=5)
    finally:
        stop(process)
    assert refused.status_code == 401
    request_id = refused.headers["X-Request-Id"]
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert all({"time", "level", "logger", "request_id"} <= set(entry) for entry in entries)
    access = [e for e in entries if e["logger"] == "access" and e.get("path") == "/api/v4/users/me"]
    assert len(access) == 1
    assert access[0]["request_id"] == request_id
    assert access[0]["status"] == "401"
    assert access[0]["method"] == "GET"
    assert any(
        e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries
    )


# The WebSocket, served by the same processes on the same port.


def first_admin(base: str) -> dict[str, str]:
    """Sign up the first account (it becomes system admin) and log in: auth headers."""
    account = {"username": "root", "email": "root@example.com", "password": "passw0rd!"}
    assert requests.post(f"{base}/api/v4/users", json=account, timeout=5).status_code == 201
    login = requests.post(
        f"{base}/api/v4/users/login",
        json={"login_id": "root", "password": "passw0rd!"},
        timeout=5,
    )
    return {"Authorization": f"Bearer {login.headers['Token']}"}


def town_square(base: str, headers: dict[str, str]) -> str:
    team = requests.post(
        f"{base}/api/v4/teams",
        json={"name": "crew", "display_name": "Crew", "type": "O"},
        headers=headers,
        timeout=5,
    ).json()
    channel = requests.get(
        f"{base}/api/v4/teams/{team['id']}/channels/name/town-square", headers=headers, timeout=5
    )
    return str(channel.json()["id"])


@contextmanager
def open_socket(base: str, headers: dict[str, str]) -> Iterator[ClientConnection]:
    with connect(base.replace("http://", "ws://") + "/api/v4/websocket", open_timeout=5) as socket:
        yield authenticated(socket, headers)


def authenticated(socket: ClientConnection, headers: dict[str, str]) -> ClientConnection:
    token = headers["Authorization"].split()[1]
    socket.send(
        json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": token}})
    )
    hello = json.loads(socket.recv(timeout=5))
    assert (hello["event"], hello["seq"]) == ("hello", 0)
    assert json.loads(socket.recv(timeout=5)) == {"status": "OK", "seq_reply": 1}
    return socket


def next_posted(socket: ClientConnection) -> dict[str, object]:
    while True:
        event = json.loads(socket.recv(timeout=10))
        if event.get("event") == "posted":
            return dict(json.loads(event["data"]["post"]))


def post(base: str, headers: dict[str, str], channel_id: str, message: str) -> None:
    response = requests.post(
        f"{base}/api/v4/posts",
        json={"channel_id": channel_id, "message": message},
        headers=headers,
        timeout=5,
    )
    assert response.status_code == 201


def test_a_post_reaches_a_websocket_of_the_real_server(server: str) -> None:
    headers = first_admin(server)
    channel_id = town_square(server, headers)
    with open_socket(server, headers) as socket:
        post(server, headers, channel_id, "over the wire")
        assert next_posted(socket)["message"] == "over the wire"


def test_without_a_shared_bus_one_worker_process_runs(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    _, process = start_server(tmp_path, log=log, GUNICORN_WORKERS="3")
    stop(process)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    messages = [e.get("message", "") for e in entries if e["logger"] == "gunicorn.error"]
    assert any("GUNICORN_WORKERS=3 ignored" in m for m in messages)
    assert sum("Booting worker" in m for m in messages) == 1


def test_worker_processes_share_events_through_redis(tmp_path: Path, redis_url: str) -> None:
    base, process = start_server(tmp_path, REDIS_URL=redis_url, GUNICORN_WORKERS="3")
    try:
        headers = first_admin(base)
        channel_id = town_square(base, headers)
        # New connections spread over the workers; whichever serves the post, each
        # socket's worker hears of it through Redis.
        with ExitStack() as stack:
            sockets = [stack.enter_context(open_socket(base, headers)) for _ in range(6)]
            post(base, headers, channel_id, "to every worker")
            for socket in sockets:
                assert next_posted(socket)["message"] == "to every worker"
    finally:
        stop(process)
