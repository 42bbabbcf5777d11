"""The figures on the admin's front page: accounts, teams, channels by type, recent posts
and a posts-per-day chart. A handful of aggregate queries, whatever the size of the data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.safestring import SafeString

from apps.accounts.selectors import user_counts
from apps.channels.models import CHANNEL_DIRECT, CHANNEL_GROUP, CHANNEL_OPEN, CHANNEL_PRIVATE
from apps.channels.selectors import channel_counts_by_type
from apps.posts.activity_selectors import posts_per_day, posts_recent_counts
from apps.teams.selectors import team_counts
from mattermost_py.svg_chart import Bar, bar_chart

CHART_DAYS = 30
CHANNEL_KINDS = (
    (CHANNEL_OPEN, "Public"),
    (CHANNEL_PRIVATE, "Private"),
    (CHANNEL_DIRECT, "Direct messages"),
    (CHANNEL_GROUP, "Group messages"),
)


@dataclass(frozen=True)
class ChannelKind:
    label: str
    live: int
    archived: int


@dataclass(frozen=True)
class Dashboard:
    users_active: int
    users_inactive: int
    teams_live: int
    teams_archived: int
    channels: list[ChannelKind]
    posts_last_day: int
    posts_last_week: int
    posts_chart: SafeString


def _utc_date(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC).strftime("%Y-%m-%d")


def dashboard_figures(*, now: int | None = None) -> Dashboard:
    users_active, users_inactive = user_counts()
    teams_live, teams_archived = team_counts()
    by_type = channel_counts_by_type()
    posts_last_day, posts_last_week = posts_recent_counts(now=now)
    days = posts_per_day(days=CHART_DAYS, now=now)
    chart = bar_chart(
        [Bar(_utc_date(day.day_start), day.posts) for day in days],
        title=f"Posts per day over the last {CHART_DAYS} days (UTC)",
        unit="posts",
    )
    return Dashboard(
        users_active=users_active,
        users_inactive=users_inactive,
        teams_live=teams_live,
        teams_archived=teams_archived,
        channels=[ChannelKind(label, *by_type.get(kind, (0, 0))) for kind, label in CHANNEL_KINDS],
        posts_last_day=posts_last_day,
        posts_last_week=posts_last_week,
        posts_chart=chart,
    )
