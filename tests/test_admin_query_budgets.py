"""Every admin list and the pages that show many related rows cost the same number of
queries for 10 rows as for 1,000: nothing is loaded row by row."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Preference, Session, Status, User, UserAccessToken
from apps.channels.models import Channel, ChannelMember, SidebarCategory, SidebarChannel
from apps.core.ids import new_id
from apps.integrations.models import Command, IncomingWebhook, OutgoingWebhook
from apps.oauth.models import OAuthAccessData, OAuthApp
from apps.posts.models import FileInfo, Post, Reaction, ThreadMembership
from apps.teams.models import Team, TeamMember

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


class Rows:
    """Bulk-made rows for one test: users, and a team, channel and post they share."""

    def __init__(self) -> None:
        self.numbers: Iterator[int] = itertools.count()
        self.team = Team.objects.create(name="bulk", display_name="Bulk", type="O")
        self.channel = Channel.objects.create(team=self.team, name="bulk", type="O")
        self.author = self.users(1)[0]
        self.post = Post.objects.create(channel=self.channel, user=self.author, message="hi")

    def users(self, count: int) -> list[User]:
        numbers = [next(self.numbers) for _ in range(count)]
        return User.objects.bulk_create(
            User(username=f"bulk{n}", email=f"bulk{n}@example.com", password="!") for n in numbers
        )

    def channel_members(self, count: int) -> list[ChannelMember]:
        return ChannelMember.objects.bulk_create(
            ChannelMember(channel=self.channel, user=user) for user in self.users(count)
        )


def unique() -> str:
    return new_id()


def fill_users(rows: Rows, count: int) -> None:
    rows.users(count)


def fill_sessions(rows: Rows, count: int) -> None:
    Session.objects.bulk_create(
        Session(user=user, token_hash=unique()) for user in rows.users(count)
    )


def fill_tokens(rows: Rows, count: int) -> None:
    UserAccessToken.objects.bulk_create(
        UserAccessToken(user=user, token_hash=unique(), description="bulk")
        for user in rows.users(count)
    )


def fill_preferences(rows: Rows, count: int) -> None:
    Preference.objects.bulk_create(
        Preference(user=user, category="display_settings", name="use_military_time", value="x")
        for user in rows.users(count)
    )


def fill_statuses(rows: Rows, count: int) -> None:
    Status.objects.bulk_create(Status(user=user, status="online") for user in rows.users(count))


def fill_teams(rows: Rows, count: int) -> None:
    Team.objects.bulk_create(
        Team(name=f"team-{unique()}", display_name="Bulk", type="O") for _ in range(count)
    )


def fill_team_members(rows: Rows, count: int) -> None:
    TeamMember.objects.bulk_create(
        TeamMember(team=rows.team, user=user) for user in rows.users(count)
    )


def fill_channels(rows: Rows, count: int) -> None:
    Channel.objects.bulk_create(
        Channel(team=rows.team, name=f"c-{unique()}", display_name="Bulk", type="OP"[n % 2])
        for n in range(count)
    )


def fill_channel_members(rows: Rows, count: int) -> None:
    rows.channel_members(count)


def _categories(rows: Rows, users: list[User]) -> list[SidebarCategory]:
    return SidebarCategory.objects.bulk_create(
        SidebarCategory(user=user, team=rows.team, type="custom", display_name="Mine")
        for user in users
    )


def fill_categories(rows: Rows, count: int) -> None:
    _categories(rows, rows.users(count))


def fill_sidebar_channels(rows: Rows, count: int) -> None:
    members = rows.channel_members(count)
    categories = _categories(rows, [member.user for member in members])
    SidebarChannel.objects.bulk_create(
        SidebarChannel(category=category, member=member, team=rows.team)
        for category, member in zip(categories, members, strict=True)
    )


def fill_posts(rows: Rows, count: int) -> None:
    authors = rows.users(count)
    Post.objects.bulk_create(
        Post(channel=rows.channel, user=author, message=f"bulk {n}")
        for n, author in enumerate(authors)
    )


def fill_reactions(rows: Rows, count: int) -> None:
    Reaction.objects.bulk_create(
        Reaction(post=rows.post, user=user, emoji_name="+1", channel_id=rows.channel.id)
        for user in rows.users(count)
    )


def fill_thread_memberships(rows: Rows, count: int) -> None:
    ThreadMembership.objects.bulk_create(
        ThreadMembership(post=rows.post, user=user) for user in rows.users(count)
    )


def fill_commands(rows: Rows, count: int) -> None:
    Command.objects.bulk_create(
        Command(creator=rows.author, team=rows.team, trigger=f"cmd{n}", url="http://x.test")
        for n in range(count)
    )


def fill_incoming_webhooks(rows: Rows, count: int) -> None:
    IncomingWebhook.objects.bulk_create(
        IncomingWebhook(user=user, channel=rows.channel, team=rows.team, display_name="hook")
        for user in rows.users(count)
    )


def fill_oauth_apps(rows: Rows, count: int) -> None:
    OAuthApp.objects.bulk_create(
        OAuthApp(creator=user, client_secret="s", name="app", homepage="https://a.example.com")
        for user in rows.users(count)
    )


def fill_oauth_grants(rows: Rows, count: int) -> None:
    app = OAuthApp.objects.create(
        creator=rows.author, client_secret="s", name="app", homepage="https://a.example.com"
    )
    sessions = Session.objects.bulk_create(
        Session(user=user, token_hash=unique(), is_oauth=True) for user in rows.users(count)
    )
    OAuthAccessData.objects.bulk_create(
        OAuthAccessData(app=app, user=session.user, session=session, refresh_token_hash=unique())
        for session in sessions
    )


def fill_outgoing_webhooks(rows: Rows, count: int) -> None:
    OutgoingWebhook.objects.bulk_create(
        OutgoingWebhook(
            creator=user,
            team=rows.team,
            channel=rows.channel,
            trigger_words=["go"],
            callback_urls=["https://example.com/"],
            display_name="hook",
        )
        for user in rows.users(count)
    )


def fill_files(rows: Rows, count: int) -> None:
    FileInfo.objects.bulk_create(
        FileInfo(creator=user, channel=rows.channel, path=f"bulk/{n}.txt", name=f"{n}.txt")
        for n, user in enumerate(rows.users(count))
    )


@dataclass(frozen=True)
class Page:
    """An admin page and how to give it ``count`` more rows."""

    url: Callable[[Rows], str]
    fill: Callable[[Rows, int], None]


def changelist(model: str) -> Callable[[Rows], str]:
    return lambda rows: f"/admin/{model}/"


PAGES = {
    "users": Page(changelist("accounts/user"), fill_users),
    "sessions": Page(changelist("accounts/session"), fill_sessions),
    "access tokens": Page(changelist("accounts/useraccesstoken"), fill_tokens),
    "preferences": Page(changelist("accounts/preference"), fill_preferences),
    "statuses": Page(changelist("accounts/status"), fill_statuses),
    "teams": Page(changelist("teams/team"), fill_teams),
    "team members": Page(changelist("teams/teammember"), fill_team_members),
    "channels": Page(changelist("channels/channel"), fill_channels),
    "channel members": Page(changelist("channels/channelmember"), fill_channel_members),
    "sidebar categories": Page(changelist("channels/sidebarcategory"), fill_categories),
    "sidebar channels": Page(changelist("channels/sidebarchannel"), fill_sidebar_channels),
    "posts": Page(changelist("posts/post"), fill_posts),
    "reactions": Page(changelist("posts/reaction"), fill_reactions),
    "thread memberships": Page(changelist("posts/threadmembership"), fill_thread_memberships),
    "files": Page(changelist("posts/fileinfo"), fill_files),
    "incoming webhooks": Page(changelist("integrations/incomingwebhook"), fill_incoming_webhooks),
    "outgoing webhooks": Page(changelist("integrations/outgoingwebhook"), fill_outgoing_webhooks),
    "slash commands": Page(changelist("integrations/command"), fill_commands),
    "oauth apps": Page(changelist("oauth/oauthapp"), fill_oauth_apps),
    "oauth grants": Page(changelist("oauth/oauthaccessdata"), fill_oauth_grants),
    # The change pages that list a team's or channel's members.
    "a team's page": Page(
        lambda rows: f"/admin/teams/team/{rows.team.pk}/change/", fill_team_members
    ),
    "a channel's page": Page(
        lambda rows: f"/admin/channels/channel/{rows.channel.pk}/change/", fill_channel_members
    ),
    "a post's page": Page(lambda rows: f"/admin/posts/post/{rows.post.pk}/change/", fill_reactions),
}


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_costs_the_same_for_10_rows_as_for_1000(
    name: str, client: Client, admin: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    page, rows = PAGES[name], Rows()
    url = page.url(rows)
    client.force_login(admin)
    page.fill(rows, FEW)
    client.get(url)  # warms the session and the admin's caches
    budget = queries_for(client, url)
    page.fill(rows, MANY - FEW)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
