from __future__ import annotations

import collections
from io import StringIO

import pytest
from django.db.models import Count

from apps.channels.models import Channel
from apps.posts.models import Post
from bench.channel_posts import django_fetch, measure, report, seed_channel

pytestmark = pytest.mark.django_db


def test_seeding_keeps_channel_and_thread_totals() -> None:
    progress = StringIO()
    seeded = seed_channel(posts=200, seed=5, progress=progress)
    channel = Channel.objects.annotate(stored=Count("posts")).get(pk=seeded.channel_id)
    posts = Post.objects.filter(channel=channel, type="")
    assert posts.count() == 200 == len(seeded.post_ids)
    assert channel.total_msg_count == channel.stored  # with the channel's own notices
    assert channel.total_msg_count_root == Post.objects.filter(channel=channel, root_id="").count()
    assert channel.last_post_at == max(posts.values_list("create_at", flat=True))
    replies = collections.Counter(posts.exclude(root_id="").values_list("root_id", flat=True))
    assert replies  # some threads
    for root in posts.filter(pk__in=replies):
        assert root.reply_count == replies[root.id]
    assert "100%" in progress.getvalue()


def test_measuring_once_the_route_exists() -> None:
    seeded = seed_channel(posts=120, seed=2)
    fetch = django_fetch(seeded.token)
    first = f"/api/v4/channels/{seeded.channel_id}/posts?page=0&per_page=60"
    if fetch(first) == 404:
        pytest.skip("GET /api/v4/channels/{id}/posts is not in this branch yet")
    timings = measure(seeded, fetch, runs=3)
    out = StringIO()
    report(timings, out)
    assert [t.status for t in timings] == [200, 200, 200]
    assert all(0 < t.p50_ms <= t.p95_ms for t in timings)
    assert "p95" in out.getvalue()
