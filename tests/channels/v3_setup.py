"""The world the API v3 channel and post tests run in, and their request helper.

Alice created the teams ``alpha`` and ``beta`` (so she is their admin) and, in alpha, the
public channel ``dev`` and the private channel ``secret``. Bob belongs to alpha, its
default channels and ``dev``. Carol belongs to no team. Dana is a system admin outside
every team. Join notices are forgotten, so each test sees only the posts it makes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.services import session_create, user_create
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import channel_create, channel_member_add
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_create, team_member_add
from tests.helpers import bearer, forget_join_notices

FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
INVALID_PARAM = "api.context.invalid_param.app_error"
MISSING_CHANNEL = "app.channel.get.existing.app_error"
MISSING_MEMBER = "app.channel.get_member.missing.app_error"
MISSING_POST = "app.post.get.app_error"
UNKNOWN_ID = "q" * 26
CHANNEL_KEYS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "team_id",
    "type",
    "display_name",
    "name",
    "header",
    "purpose",
    "last_post_at",
    "total_msg_count",
    "extra_update_at",
    "creator_id",
]
MEMBER_KEYS = [
    "channel_id",
    "user_id",
    "roles",
    "last_viewed_at",
    "msg_count",
    "mention_count",
    "notify_props",
    "last_update_at",
]


class V3Api:
    """Requests to /api/v3 as one user (or anonymously), with a bearer token."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = bearer(token) if token else {}

    def get(self, path: str, **headers: str) -> Any:
        return self.client.get(f"/api/v3{path}", **self.headers, **headers)

    def post(self, path: str, body: Any = None, *, raw: str | None = None, **headers: str) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(
            f"/api/v3{path}",
            data,
            content_type="application/json",
            **self.headers,
            **headers,
        )


def make_user(username: str, roles: str = "system_user") -> User:
    return user_create(
        username=username, email=f"{username}@example.com", password="passw0rd!", roles=roles
    )


@dataclass
class V3World:
    client: Client
    alice: User
    bob: User
    carol: User
    dana: User
    team: Team
    beta: Team
    square: Channel
    off_topic: Channel
    dev: Channel
    secret: Channel
    tokens: dict[str, str]

    def api(self, who: str | None) -> V3Api:
        return V3Api(self.client, self.tokens[who] if who else None)

    @property
    def channels(self) -> str:
        """The path of alpha's channel routes."""
        return f"/teams/{self.team.id}/channels"

    def of(self, channel: Channel) -> str:
        """The path of one channel's routes under alpha."""
        return f"{self.channels}/{channel.id}"

    def guest_in(self, channel: Channel, username: str = "gus") -> V3Api:
        """A guest of alpha who belongs to ``channel`` only as a guest."""
        guest = make_user(username, roles="system_guest")
        TeamMember.objects.create(team=self.team, user=guest, scheme_guest=True, scheme_user=False)
        ChannelMember.objects.create(
            channel=channel, user=guest, scheme_guest=True, scheme_user=False
        )
        return V3Api(self.client, session_create(user=guest)[1])


@pytest.fixture
def v3(db: None, client: Client) -> V3World:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    dana = make_user("dana", roles="system_admin system_user")
    team = team_create(creator=alice, display_name="Alpha", name="alpha", type="O")
    beta = team_create(creator=alice, display_name="Beta", name="beta", type="O")
    team_member_add(team=team, user=bob)
    dev = channel_create(team=team, creator=alice, name="dev", display_name="Dev", type="O")
    channel_member_add(channel=dev, user=bob)
    secret = channel_create(
        team=team, creator=alice, name="secret", display_name="Secret", type="P"
    )
    for each in (team, beta):
        forget_join_notices(each)
    return V3World(
        client=client,
        alice=alice,
        bob=bob,
        carol=carol,
        dana=dana,
        team=team,
        beta=beta,
        square=Channel.objects.get(team=team, name="town-square"),
        off_topic=Channel.objects.get(team=team, name="off-topic"),
        dev=dev,
        secret=secret,
        tokens={user.username: session_create(user=user)[1] for user in (alice, bob, carol, dana)},
    )


def queries_of(request: Any) -> int:
    """How many queries ``request()`` (which must succeed) costs."""
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200, response.content
    return len(queries)
