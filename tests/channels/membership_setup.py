"""The world the channel membership API tests run in, and their request helper.

Alice created the team (so she is its admin) and the channels ``pub`` (public) and
``priv`` (private), of which she is channel admin; Bob belongs to the team, its default
channels and ``pub``; Carol belongs to no team."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import session_create, user_create
from apps.channels.models import CHANNEL_OPEN, Channel, ChannelMember
from apps.channels.services import channel_member_add
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import bearer

BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"
NO_CHANNEL = "app.channel.get.existing.app_error"
NO_MEMBER = "app.channel.get_member.missing.app_error"
NO_USER = "app.user.missing_account.const"
MEMBER_KEYS = [
    "channel_id",
    "user_id",
    "roles",
    "last_viewed_at",
    "msg_count",
    "mention_count",
    "mention_count_root",
    "urgent_mention_count",
    "msg_count_root",
    "notify_props",
    "last_update_at",
    "scheme_guest",
    "scheme_user",
    "scheme_admin",
    "explicit_roles",
]


def call(client: Client, method: str, url: str, token: str | None = None, body: Any = None) -> Any:
    headers = bearer(token) if token else {}
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def make_user(username: str, roles: str = "system_user") -> User:
    return user_create(
        username=username, email=f"{username}@example.com", password="passw0rd!", roles=roles
    )


def make_channel(
    team: Team | None,
    name: str,
    *,
    type: str = CHANNEL_OPEN,
    admins: tuple[User, ...] = (),
    members: tuple[User, ...] = (),
) -> Channel:
    channel = Channel.objects.create(team=team, type=type, name=name, display_name=name.title())
    for user in admins:
        channel_member_add(channel=channel, user=user, admin=True)
    for user in members:
        channel_member_add(channel=channel, user=user)
    return channel


def member(channel: Channel, user: User) -> ChannelMember:
    return ChannelMember.objects.get(channel=channel, user=user)


def is_member(channel: Channel, user: User) -> bool:
    return ChannelMember.objects.filter(channel=channel, user=user).exists()


@dataclass(frozen=True)
class World:
    alice: User
    bob: User
    carol: User
    team: Team
    town: Channel
    pub: Channel
    priv: Channel
    alice_token: str
    bob_token: str
    carol_token: str


def build_world(alice: User, bob: User) -> World:
    team = team_create(
        creator=alice, display_name="Alpha", name="alpha", type="O", allow_open_invite=True
    )
    team_member_add(team=team, user=bob)
    carol = make_user("carol")
    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        team=team,
        town=Channel.objects.get(team=team, name="town-square"),
        pub=make_channel(team, "pub", admins=(alice,), members=(bob,)),
        priv=make_channel(team, "priv", type="P", admins=(alice,)),
        alice_token=session_create(user=alice)[1],
        bob_token=session_create(user=bob)[1],
        carol_token=session_create(user=carol)[1],
    )
