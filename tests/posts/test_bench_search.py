from __future__ import annotations

from io import StringIO

import pytest

from bench.channel_posts import seed_channel
from bench.search_posts import django_fetch, measure, report

pytestmark = pytest.mark.django_db


def test_every_query_is_measured() -> None:
    seeded = seed_channel(posts=300, seed=3)
    timings = measure(seeded, django_fetch(seeded.token), runs=2)
    out = StringIO()
    report(timings, out)
    assert all(timing.status == 200 for timing in timings), out.getvalue()
    assert all(0 < timing.p50_ms <= timing.p99_ms for timing in timings)
    found = {timing.name: timing.found for timing in timings}
    assert found["one word"] > 0
    assert found["from: + word"] > 0
    assert found["no match"] == 0
    assert "p99" in out.getvalue()
