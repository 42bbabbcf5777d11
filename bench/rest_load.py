"""Benchmark: REST throughput of the server setups (see bench/README.md).

For each setup (``--modes``: ``asgi``, the project's, and ``gthread``, gunicorn's threaded
WSGI worker as before the WebSocket) it starts the real server, signs up a user with a
team, and runs two loads for ``--seconds`` each with ``--connections`` keep-alive
connections, after a short warm-up:

* ``me``: GET /api/v4/users/me
* ``mixed``: 80 % GET /api/v4/users/me, 20 % POST /api/v4/posts

and prints requests per second and the latency p50 / p99 of each. With ``--rounds`` the
setups take turns that many times (fairer on a busy machine) and the medians are printed
at the end. ``--outgoing-hooks N`` gives the team N outgoing webhooks that the posts do
not trigger, to measure what checking them costs the posting path.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (
    MODES,
    call,
    new_team,
    raise_open_files_limit,
    sign_up,
    start_server,
)

WARM_UP_SECONDS = 3.0
LOADS = {"me": 0.0, "mixed": 0.2}  # share of POST /posts


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def hammer(
    url: str, token: str, channel_id: str, post_share: float, until: float, tally: Tally
) -> None:
    """One client connection sending requests back to back until ``until``."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rng = random.Random()
    while (started := time.perf_counter()) < until:
        if rng.random() < post_share:
            body = json.dumps({"channel_id": channel_id, "message": "load " + secrets.token_hex(8)})
            connection.request("POST", "/api/v4/posts", body, headers)
        else:
            connection.request("GET", "/api/v4/users/me", headers=headers)
        response = connection.getresponse()
        response.read()
        tally.latencies.append(time.perf_counter() - started)
        if response.status >= 400:
            tally.errors += 1
    connection.close()


def add_outgoing_hooks(url: str, token: str, team_id: str, count: int) -> None:
    """``count`` outgoing webhooks of the team whose trigger words no benchmark post uses."""
    for n in range(count):
        hook = {
            "team_id": team_id,
            "trigger_words": [f"never{n}"],
            "callback_urls": [f"https://hooks.example.invalid/{n}"],
            "display_name": f"bench {n}",
        }
        call(url, "POST", "/api/v4/hooks/outgoing", hook, token)


def run_load(
    url: str, token: str, channel_id: str, *, post_share: float, connections: int, seconds: float
) -> dict[str, float]:
    def phase(duration: float) -> tuple[list[Tally], float]:
        tallies = [Tally() for _ in range(connections)]
        until = time.perf_counter() + duration
        threads = [
            threading.Thread(target=hammer, args=(url, token, channel_id, post_share, until, t))
            for t in tallies
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return tallies, time.perf_counter() - began

    phase(WARM_UP_SECONDS)
    tallies, elapsed = phase(seconds)
    latencies = sorted(x for t in tallies for x in t.latencies)
    return {
        "requests_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": sum(t.errors for t in tallies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default=",".join(MODES), help="asgi,gthread")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--outgoing-hooks", type=int, default=0)
    args = parser.parse_args()
    raise_open_files_limit()
    print(
        f"{args.workers} worker(s) x {args.threads} threads, {args.connections} connections, "
        f"{args.seconds:g} s per load, {args.outgoing_hooks} outgoing webhook(s)"
    )
    print(f"{'setup':8} {'load':6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(args.rounds):
            for mode in args.modes.split(","):
                data_dir = Path(tmp) / f"{mode}-{round_number}"
                data_dir.mkdir()
                server = start_server(
                    mode=mode,
                    workers=args.workers,
                    threads=args.threads,
                    data_dir=data_dir,
                    log=Path(tmp) / f"{mode}.log",
                )
                try:
                    name = "bench" + secrets.token_hex(4)
                    _, token = sign_up(server.url, name)
                    team_id, channel_id = new_team(server.url, token, name)
                    add_outgoing_hooks(server.url, token, team_id, args.outgoing_hooks)
                    for load, post_share in LOADS.items():
                        result = run_load(
                            server.url,
                            token,
                            channel_id,
                            post_share=post_share,
                            connections=args.connections,
                            seconds=args.seconds,
                        )
                        results.setdefault((mode, load), []).append(result)
                        print_row(mode, load, result)
                finally:
                    server.stop()
    if args.rounds > 1:
        print("medians:")
        for (mode, load), runs in results.items():
            print_row(mode, load, {key: statistics.median(r[key] for r in runs) for key in runs[0]})


def print_row(mode: str, load: str, result: dict[str, float]) -> None:
    print(
        f"{mode:8} {load:6} {result['requests_per_second']:8.0f} "
        f"{result['p50_ms']:8.1f} {result['p99_ms']:8.1f} {int(result['errors']):7d}",
        flush=True,
    )


if __name__ == "__main__":
    main()
