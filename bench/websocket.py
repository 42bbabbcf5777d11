"""Benchmark: the WebSocket hub with many idle sockets and a posting load.

Starts the real server (gunicorn with the project's ASGI workers; ``DATABASE_URL`` and
``REDIS_URL`` are honoured, else SQLite in a temporary directory), seeds ``--users``
users in one team (all members of its town-square), opens ``--sockets`` WebSockets spread
over them (authenticated by challenge, then idle), and measures

* memory per socket: the growth of the worker processes' resident memory while the sockets
  opened, divided by their number;
* event delivery latency: one user posts to town-square ``--rate`` times a second for
  ``--seconds`` (REST), and every socket receives each ``posted``: the time from sending
  the POST to each socket receiving the event, p50 / p99 / max;
* the workers' CPU time per thousand events delivered.

See bench/README.md for results.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import Server, raise_open_files_limit, start_server  # noqa: E402

POST_INDEX = re.compile(r"bench-post (\d+)")
CONNECT_AT_ONCE = 50


def seed(users: int) -> tuple[str, list[str]]:
    """``users`` users in a new team (so in its town-square); its id and their tokens.
    Runs in this process against the server's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mattermost_py.settings")
    os.environ["MM_TEAMSETTINGS_MAXUSERSPERTEAM"] = str(users)
    django.setup()
    from django.conf import settings

    # A fast password hash: seeding is not what is measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from apps.accounts.services import session_create, user_create
    from apps.channels.models import Channel
    from apps.core.ids import new_id
    from apps.teams.services import team_create, team_member_add

    run = new_id()[:8]
    accounts = [
        user_create(
            username=f"b{run}-{i}",
            email=f"b{run}-{i}@bench.example.com",
            password="bench-passw0rd",
            roles="system_user",
        )
        for i in range(users)
    ]
    team = team_create(creator=accounts[0], display_name="Bench", name=f"b{run}", type="O")
    for account in accounts[1:]:
        team_member_add(team=team, user=account)
    channel = Channel.objects.get(team=team, name="town-square")
    return channel.id, [session_create(user=account)[1] for account in accounts]


@dataclass
class Receipts:
    """When each socket received which post (by the post's index)."""

    times: list[tuple[int, float]] = field(default_factory=list)


async def open_socket(url: str, token: str, receipts: Receipts, opened: list[object]) -> None:
    from websockets.asyncio.client import connect

    socket = await connect(url, ping_interval=None, max_size=None, compression=None)
    await socket.send(
        json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": token}})
    )
    while '"seq_reply":1' not in str(await socket.recv()):
        pass
    opened.append(socket)

    async def read() -> None:
        async for message in socket:
            text = str(message)
            if '"event":"posted"' in text:
                match = POST_INDEX.search(text)
                if match:
                    receipts.times.append((int(match.group(1)), time.perf_counter()))

    asyncio.get_running_loop().create_task(read())


def post_steadily(
    url: str, token: str, channel_id: str, rate: float, seconds: float, sent: dict[int, float]
) -> None:
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = time.perf_counter()
    for index in range(int(rate * seconds)):
        time.sleep(max(start + index / rate - time.perf_counter(), 0))
        body = json.dumps({"channel_id": channel_id, "message": f"bench-post {index}"})
        sent[index] = time.perf_counter()
        connection.request("POST", "/api/v4/posts", body, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"POST /posts answered {response.status}")
    connection.close()


def cpu_seconds(server: Server) -> float:
    total = 0
    for pid in server.worker_pids():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    return values[max(int(len(values) * share) - 1, 0)]


async def measure(
    server: Server, args: argparse.Namespace, channel_id: str, tokens: list[str]
) -> None:
    ws_url = server.url.replace("http://", "ws://") + "/api/v4/websocket"
    receipts = Receipts()
    opened: list[object] = []
    # Warm the workers up (imports, caches) before the memory baseline.
    await open_socket(ws_url, tokens[0], receipts, opened)
    await asyncio.sleep(1)
    baseline = server.workers_rss_kib()
    began = time.perf_counter()
    for first in range(1, args.sockets, CONNECT_AT_ONCE):
        batch = range(first, min(first + CONNECT_AT_ONCE, args.sockets))
        await asyncio.gather(
            *(open_socket(ws_url, tokens[i % len(tokens)], receipts, opened) for i in batch)
        )
    connect_seconds = time.perf_counter() - began
    await asyncio.sleep(2)
    grown = server.workers_rss_kib() - baseline
    print(f"{len(opened)} sockets open in {connect_seconds:.1f} s")
    print(f"worker memory: {baseline / 1024:.0f} MiB before, +{grown / 1024:.1f} MiB after")
    print(f"memory per socket: {grown / max(len(opened) - 1, 1):.1f} KiB")

    sent: dict[int, float] = {}
    cpu_before = cpu_seconds(server)
    poster = threading.Thread(
        target=post_steadily,
        args=(server.url, tokens[0], channel_id, args.rate, args.seconds, sent),
    )
    poster.start()
    while poster.is_alive():
        await asyncio.sleep(0.1)
    expected = len(sent) * len(opened)
    deadline = time.perf_counter() + 10
    while len(receipts.times) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    cpu_used = cpu_seconds(server) - cpu_before
    latencies = sorted((at - sent[index]) * 1000 for index, at in receipts.times if index in sent)
    print(
        f"posting: {len(sent)} posts at {args.rate:g}/s; {len(latencies)} of {expected} "
        "events delivered"
    )
    if latencies:
        print(
            f"delivery latency: p50 {statistics.median(latencies):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {latencies[-1]:.1f} ms"
        )
        print(f"worker CPU: {cpu_used / len(latencies) * 1000 * 1000:.1f} ms per 1000 events")
    for socket in opened:
        await socket.close()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5, help="posts per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    raise_open_files_limit()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATA_DIR"] = tmp  # the seeding below uses the same database
        server = start_server(
            mode="asgi",
            workers=args.workers,
            threads=args.threads,
            data_dir=Path(os.environ["DATA_DIR"]),
            log=Path(tmp) / "server.log",
        )
        try:
            print(f"{len(server.worker_pids())} worker(s) x {args.threads} threads")
            started = time.perf_counter()
            channel_id, tokens = seed(args.users)
            print(f"seeded {args.users} users in {time.perf_counter() - started:.0f} s")
            asyncio.run(measure(server, args, channel_id, tokens))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
