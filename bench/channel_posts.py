"""Benchmark: reading one busy channel's posts.

Seeds a channel with many posts (100,000 by default: realistic message sizes, a quarter of
them replies in threads) in a team of its own, so whatever else the configured database
holds is left alone, then times

* the newest page:   GET /api/v4/channels/{id}/posts?page=0&per_page=60
* a deep page:       GET /api/v4/channels/{id}/posts?page=1000&per_page=60
* cursor paging:     GET /api/v4/channels/{id}/posts?before=<post id>&per_page=60

and prints p50 / p95 over ``--runs`` requests each. Requests go through Django's test
client in this process, or with ``--url`` to a running server (which must use the same
database, since the session token is made here). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 60
DEEP_PAGE = 1000
AUTHORS = 8
REPLY_SHARE = 0.25
BATCH = 5000
# Posts are a few seconds apart on average, like a busy channel.
MEAN_GAP_MS = 5000


@dataclass(frozen=True)
class SeededChannel:
    team_id: str
    channel_id: str
    token: str
    post_ids: list[str]  # oldest first


def seed_channel(*, posts: int, seed: int = 1, progress: TextIO | None = None) -> SeededChannel:
    """A new team with one channel of ``posts`` posts by a few authors, inserted in bulk
    with the channel's and threads' totals kept; returns a session token of its owner."""
    from apps.accounts.services import session_create, user_create
    from apps.channels.services import channel_create, channel_member_add
    from apps.core.clock import now_ms
    from apps.core.ids import new_id
    from apps.core.progress import ProgressBar
    from apps.posts.models import Post
    from apps.posts.sample_text import sample_message
    from apps.posts.services import posts_bulk_import
    from apps.teams.services import team_create, team_member_add

    rng = random.Random(seed)
    run = new_id()[:8]
    authors = [
        user_create(
            username=f"bench-{run}-{index}",
            email=f"bench-{run}-{index}@bench.example.com",
            password=None,
            roles="system_user",
        )
        for index in range(AUTHORS)
    ]
    owner = authors[0]
    team = team_create(creator=owner, name=f"bench-{run}", display_name="Bench", type="O")
    channel = channel_create(team=team, creator=owner, name="busy", display_name="Busy", type="O")
    for author in authors[1:]:
        team_member_add(team=team, user=author)
        channel_member_add(channel=channel, user=author)
    author_ids = [author.id for author in authors]
    at = now_ms() - posts * MEAN_GAP_MS
    roots: list[str] = []
    post_ids: list[str] = []
    batch: list[Post] = []
    bar = ProgressBar(progress, posts, "posts") if progress else None
    for _ in range(posts):
        at += rng.randint(1, 2 * MEAN_GAP_MS)
        root_id = rng.choice(roots) if roots and rng.random() < REPLY_SHARE else ""
        post = Post(
            channel_id=channel.id,
            user_id=rng.choice(author_ids),
            message=sample_message(rng),
            root_id=root_id,
            create_at=at,
            update_at=at,
        )
        if not root_id:
            roots = [*roots[-49:], post.id]
        batch.append(post)
        post_ids.append(post.id)
        if len(batch) == BATCH:
            posts_bulk_import(posts=batch)
            batch = []
            if bar:
                bar.advance(BATCH)
    posts_bulk_import(posts=batch)
    if bar:
        bar.finish()
    token = session_create(user=owner)[1]
    return SeededChannel(team_id=team.id, channel_id=channel.id, token=token, post_ids=post_ids)


# Timing

Fetch = Callable[[str], int]  # path -> HTTP status


def django_fetch(token: str) -> Fetch:
    from django.test import Client

    client = Client()

    def fetch(path: str) -> int:
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    return fetch


def url_fetch(base: str, token: str) -> Fetch:
    def fetch(path: str) -> int:
        request = urllib.request.Request(
            base.rstrip("/") + path, headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    return fetch


@dataclass(frozen=True)
class Timing:
    name: str
    status: int
    p50_ms: float
    p95_ms: float


def time_requests(fetch: Fetch, name: str, path: str, runs: int) -> Timing:
    """p50 and p95 of ``runs`` requests after two untimed warm-ups; stops at a non-200."""
    for _ in range(2):
        status = fetch(path)
        if status != 200:
            return Timing(name, status, 0.0, 0.0)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        status = fetch(path)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            return Timing(name, status, 0.0, 0.0)
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return Timing(name, 200, statistics.median(samples), cuts[18])


def measure(seeded: SeededChannel, fetch: Fetch, runs: int) -> list[Timing]:
    base = f"/api/v4/channels/{seeded.channel_id}/posts"
    pages = len(seeded.post_ids) // PER_PAGE
    deep = min(DEEP_PAGE, max(pages - 1, 0))
    middle = seeded.post_ids[len(seeded.post_ids) // 2]
    targets = [
        ("newest page", f"{base}?page=0&per_page={PER_PAGE}"),
        (f"page {deep}", f"{base}?page={deep}&per_page={PER_PAGE}"),
        ("before=<middle post>", f"{base}?before={middle}&per_page={PER_PAGE}"),
    ]
    return [time_requests(fetch, name, path, runs) for name, path in targets]


def report(timings: list[Timing], out: TextIO) -> None:
    for timing in timings:
        if timing.status != 200:
            out.write(f"{timing.name:<24} HTTP {timing.status} (not measured)\n")
        else:
            out.write(
                f"{timing.name:<24} p50 {timing.p50_ms:8.1f} ms   p95 {timing.p95_ms:8.1f} ms\n"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to seed (100000)")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per URL (20)")
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
    from django.test.utils import setup_test_environment

    # Lets the in-process client through ALLOWED_HOSTS as "testserver".
    setup_test_environment()

    started = time.perf_counter()
    seeded = seed_channel(posts=args.posts, seed=args.seed, progress=sys.stderr)
    print(f"seeded {args.posts} posts in {time.perf_counter() - started:.1f} s")
    print(f"channel {seeded.channel_id} (team {seeded.team_id})")
    fetch = url_fetch(args.url, seeded.token) if args.url else django_fetch(seeded.token)
    report(measure(seeded, fetch, args.runs), sys.stdout)
    if args.cleanup:
        from apps.teams.models import Team
        from apps.teams.services import team_delete_permanently

        team_delete_permanently(team=Team.objects.get(pk=seeded.team_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
