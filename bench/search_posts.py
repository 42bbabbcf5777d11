"""Benchmark: searching a busy channel's posts.

Seeds a channel with many posts (100,000 by default) the way bench/channel_posts.py does,
in a team of its own, then times ``POST /api/v4/teams/{team_id}/posts/search`` for a few
kinds of query (a common word, two words, a phrase, a prefix, an exclusion, a hashtag, an
author filter, an "or" search) and prints p50 / p99 over ``--runs`` requests each. Runs
on the configured database (``DATABASE_URL``, else the SQLite file under ./data), through
Django's test client or, with ``--url``, against a running server using that database.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bench.channel_posts import SeededChannel

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 20  # what the webapp asks for


@dataclass(frozen=True)
class Query:
    name: str
    body: dict[str, Any]


def queries(author: str) -> list[Query]:
    """Queries over words of ``apps.posts.sample_text``: each appears in a few percent of
    the posts, so every query finds more than a page."""
    return [
        Query("one word", {"terms": "deploy"}),
        Query("two words", {"terms": "rollback incident"}),
        Query("phrase", {"terms": '"merge branch"'}),
        Query("prefix", {"terms": "dash*"}),
        Query("word -word", {"terms": "deploy -staging"}),
        Query("hashtag", {"terms": "#incident"}),
        Query("from: + word", {"terms": f"from:{author} budget"}),
        Query("or search", {"terms": "invoice budget", "is_or_search": True}),
        Query("no match", {"terms": "xylophone"}),
    ]


Fetch = Callable[[str, dict[str, Any]], tuple[int, int]]  # path, body -> status, results


def django_fetch(token: str) -> Fetch:
    from django.test import Client

    client = Client()

    def fetch(path: str, body: dict[str, Any]) -> tuple[int, int]:
        response = client.post(
            path,
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        found = len(response.json().get("order", [])) if response.status_code == 200 else 0
        return response.status_code, found

    return fetch


def url_fetch(base: str, token: str) -> Fetch:
    def fetch(path: str, body: dict[str, Any]) -> tuple[int, int]:
        request = urllib.request.Request(
            base.rstrip("/") + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return int(response.status), len(json.loads(response.read())["order"])
        except urllib.error.HTTPError as error:
            return error.code, 0

    return fetch


@dataclass(frozen=True)
class Timing:
    name: str
    status: int
    found: int
    p50_ms: float
    p99_ms: float


def time_query(fetch: Fetch, path: str, query: Query, runs: int) -> Timing:
    """p50 and p99 of ``runs`` searches after two untimed warm-ups; stops at a non-200."""
    body = {**query.body, "per_page": PER_PAGE}
    found = 0
    for _ in range(2):
        status, found = fetch(path, body)
        if status != 200:
            return Timing(query.name, status, 0, 0.0, 0.0)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        status, _found = fetch(path, body)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            return Timing(query.name, status, 0, 0.0, 0.0)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return Timing(query.name, 200, found, statistics.median(samples), cuts[98])


def measure(seeded: SeededChannel, fetch: Fetch, runs: int) -> list[Timing]:
    from apps.teams.models import Team

    # The seeded team is bench-<run> and its authors bench-<run>-<n>: one of them.
    author = f"{Team.objects.get(pk=seeded.team_id).name}-1"
    path = f"/api/v4/teams/{seeded.team_id}/posts/search"
    return [time_query(fetch, path, query, runs) for query in queries(author)]


def report(timings: list[Timing], out: TextIO) -> None:
    for timing in timings:
        if timing.status != 200:
            out.write(f"{timing.name:<16} HTTP {timing.status} (not measured)\n")
        else:
            out.write(
                f"{timing.name:<16} {timing.found:>3} found   "
                f"p50 {timing.p50_ms:8.1f} ms   p99 {timing.p99_ms:8.1f} ms\n"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to seed (100000)")
    parser.add_argument("--runs", type=int, default=100, help="timed searches per query (100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8065")
    parser.add_argument(
        "--cleanup", action="store_true", help="delete the benchmark's team afterwards"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mattermost_py.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from apps.posts.search.backends import text_backend
    from bench.channel_posts import seed_channel

    # Lets the in-process client through ALLOWED_HOSTS as "testserver".
    setup_test_environment()

    started = time.perf_counter()
    seeded = seed_channel(posts=args.posts, seed=args.seed, progress=sys.stderr)
    print(f"seeded {args.posts} posts in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather after such a load: the planner
        # weighs the text index against the others with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE posts")
    print(f"{connection.vendor}, {type(text_backend()).__name__}, team {seeded.team_id}")
    fetch = url_fetch(args.url, seeded.token) if args.url else django_fetch(seeded.token)
    report(measure(seeded, fetch, args.runs), sys.stdout)
    if args.cleanup:
        from apps.teams.models import Team
        from apps.teams.services import team_delete_permanently

        team_delete_permanently(team=Team.objects.get(pk=seeded.team_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
