"""How busy the server is: post counts over recent periods, for the operator's dashboard.
Deleted posts are left out; system messages (joins, leaves, header changes) count, as
they do in Mattermost's own statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q

from apps.core.clock import now_ms
from apps.posts.models import Post

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class DayCount:
    """The posts written on one UTC day, which starts at ``day_start`` (ms)."""

    day_start: int
    posts: int


def posts_recent_counts(*, now: int | None = None) -> tuple[int, int]:
    """The live posts written in the last 24 hours and in the last 7 days, in one query."""
    now = now_ms() if now is None else now
    counts = Post.objects.filter(delete_at=0, create_at__gt=now - 7 * DAY_MS).aggregate(
        day=Count("pk", filter=Q(create_at__gt=now - DAY_MS)), week=Count("pk")
    )
    return counts["day"], counts["week"]


def posts_per_day(*, days: int, now: int | None = None) -> list[DayCount]:
    """The live posts of each of the last ``days`` UTC days (today last), zero-filled, in
    one grouped query."""
    today = (now_ms() if now is None else now) // DAY_MS
    first = today - days + 1
    # ms // DAY_MS is the day's number: integer division on PostgreSQL and SQLite alike.
    rows = (
        Post.objects.filter(delete_at=0, create_at__gte=first * DAY_MS)
        .annotate(day=F("create_at") / DAY_MS)
        .order_by()
        .values("day")
        .annotate(posts=Count("pk"))
    )
    counts = {int(row["day"]): row["posts"] for row in rows}
    return [DayCount(day * DAY_MS, counts.get(day, 0)) for day in range(first, today + 1)]
