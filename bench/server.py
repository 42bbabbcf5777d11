"""The real server for the benchmarks: start and stop gunicorn with a given setup, watch
its worker processes, and the few REST calls the benchmarks share.

Benchmarks talk to the server over HTTP only, so they work with any database: the server
runs with open sign-up, and each run signs up its own users.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-passw0rd"

# How the server is run: ``asgi`` is the project's setup (uvicorn workers, REST on a thread
# pool, the WebSocket on the event loop); ``gthread`` is gunicorn's threaded WSGI worker,
# which served the REST API before the WebSocket existed.
MODES = ("asgi", "gthread")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_open_files_limit() -> None:
    """Thousands of sockets need as many file descriptors (the server inherits this)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def workers_rss_kib(self) -> int:
        """Resident memory of all worker processes."""
        total = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    *, mode: str, workers: int, threads: int, data_dir: Path, log: Path, **env: str
) -> Server:
    """Migrate, then start gunicorn in ``mode`` on a free port (sign-up open, no access
    log, warnings only)."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MM_")}
    environ |= {
        "DATA_DIR": str(data_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "warning",
        "MM_TEAMSETTINGS_ENABLEOPENSERVER": "true",
        **env,
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=environ, check=True)
    command = [sys.executable, "-m", "gunicorn", "--config", "mattermost_py/gunicorn.conf.py"]
    if mode == "gthread":
        command += ["-k", "gthread", "--threads", str(threads), "-w", str(workers)]
        command += ["mattermost_py.wsgi:application"]
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=output, stderr=output)
    server = Server(url=f"http://127.0.0.1:{port}", process=process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited; see {log}")
        try:
            urllib.request.urlopen(f"{server.url}/api/v4/system/ping", timeout=1)
            return server
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"the server did not come up; see {log}") from None
            time.sleep(0.2)


def call(
    url: str, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[dict[str, Any], Message]:
    """One JSON request; the decoded body and the response headers (names in any case)."""
    request = urllib.request.Request(
        url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}"), response.headers


def sign_up(url: str, username: str) -> tuple[str, str]:
    """A new account (sign-up is open on the benchmark server): its id and a token."""
    call(
        url,
        "POST",
        "/api/v4/users",
        {"username": username, "email": f"{username}@bench.example.com", "password": PASSWORD},
    )
    me, headers = call(
        url, "POST", "/api/v4/users/login", {"login_id": username, "password": PASSWORD}
    )
    return me["id"], headers["Token"]


def new_team(url: str, token: str, name: str) -> tuple[str, str]:
    """A new team: its id and its town-square's id."""
    team, _ = call(
        url, "POST", "/api/v4/teams", {"name": name, "display_name": name, "type": "O"}, token
    )
    channel, _ = call(
        url, "GET", f"/api/v4/teams/{team['id']}/channels/name/town-square", token=token
    )
    return team["id"], channel["id"]
