"""The world the collapsed-thread tests run in, and their helpers.

Alice created the team ``alpha``; Bob and Carol joined it, so all three are in its
``town-square`` (``square``). ``secret`` is a private channel of Alice and Carol only.
Posts are written one second apart in the past (``World.say``), so every "read up to"
in a test is exact and no two posts share a time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import session_create, user_create
from apps.channels.models import Channel
from apps.channels.services import channel_create, channel_member_add
from apps.core.clock import now_ms
from apps.posts.models import Post, ThreadMembership
from apps.posts.services import post_create
from apps.posts.thread_selectors import UserThread, thread_membership_get
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import bearer, forget_join_notices

BAD_URL = "api.context.invalid_url_param.app_error"
BAD_PARAM = "api.context.invalid_body_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"
NO_MEMBERSHIP = "app.user.get_thread_membership_for_user.not_found"
NOT_FOLLOWED = "app.user.get_threads_for_user.not_found"
NO_POST = "app.post.get.app_error"
UNKNOWN_ROUTE = "api.context.404.app_error"
UNKNOWN_ID = "q" * 26
THREAD_KEYS = [
    "id",
    "reply_count",
    "last_reply_at",
    "last_viewed_at",
    "participants",
    "post",
    "unread_replies",
    "unread_mentions",
    "is_urgent",
    "delete_at",
]


def call(client: Client, method: str, url: str, token: str | None = None, **query: Any) -> Any:
    headers = bearer(token) if token else {}
    if method == "get":
        return client.get(f"/api/v4{url}", query, **headers)
    return getattr(client, method)(f"/api/v4{url}", **headers)


def make_user(username: str, roles: str = "system_user") -> User:
    return user_create(
        username=username, email=f"{username}@example.com", password="passw0rd!", roles=roles
    )


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    team: Team
    square: Channel
    secret: Channel
    tokens: dict[str, str]
    clock: list[int] = field(default_factory=lambda: [now_ms() - 10_000_000])

    def token(self, user: User) -> str:
        if user.username not in self.tokens:
            self.tokens[user.username] = session_create(user=user)[1]
        return self.tokens[user.username]

    def tick(self) -> int:
        self.clock[0] += 1000
        return self.clock[0]

    def say(
        self, author: User, message: str, root: Post | None = None, channel: Channel | None = None
    ) -> Post:
        where = channel or (root.channel if root is not None else self.square)
        return post_create(
            author=author,
            channel=where,
            message=message,
            root_id=root.id if root is not None else "",
            create_at=self.tick(),
        )

    def threads_url(self, user: User | str, team: Team | None = None) -> str:
        user_part = user if isinstance(user, str) else user.id
        return f"/users/{user_part}/teams/{(team or self.team).id}/threads"


def build_world(alice: User, bob: User) -> World:
    team = team_create(creator=alice, display_name="Alpha", name="alpha", type="O")
    carol = make_user("carol")
    team_member_add(team=team, user=bob)
    team_member_add(team=team, user=carol)
    forget_join_notices(team)
    secret = channel_create(
        team=team, creator=alice, name="secret", display_name="Secret", type="P"
    )
    channel_member_add(channel=secret, user=carol)
    forget_join_notices(team)
    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        team=team,
        square=Channel.objects.get(team=team, name="town-square"),
        secret=secret,
        tokens={},
    )


def seen_by(user: User, root: Post) -> UserThread | None:
    """The thread as ``user`` sees it, or None without a membership."""
    state = thread_membership_get(user_id=user.id, root_id=root.id)
    return state.thread if state is not None else None


def unread(user: User, root: Post) -> tuple[bool, int, int]:
    """(following, unread replies, unread mentions) of ``user`` in the thread."""
    thread = seen_by(user, root)
    assert thread is not None, f"{user.username} has no membership"
    return thread.following, thread.unread_replies, thread.unread_mentions


def has_membership(user: User, root: Post) -> bool:
    return ThreadMembership.objects.filter(user=user, post=root).exists()


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


def event_thread(data: dict[str, Any]) -> dict[str, Any]:
    thread: dict[str, Any] = json.loads(data["thread"])
    return thread
