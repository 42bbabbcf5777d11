"""Pinning, a channel's pinned posts and a user's flagged posts over API v4."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Preference, Session, User
from apps.channels.models import Channel
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_member_add,
    channel_member_remove,
    direct_channel_get_or_create,
)
from apps.core.clock import now_ms
from apps.core.config import SERVER_VERSION
from apps.core.events import Event
from apps.posts.models import Post, Reaction
from apps.posts.services import post_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer, forget_join_notices

pytestmark = pytest.mark.django_db

URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
UNKNOWN_ID = "q" * 26
POST_LIST_KEYS = {"order", "posts", "next_post_id", "prev_post_id", "first_inaccessible_post_time"}


def call(client: Client, method: str, path: str, token: str | None = None, **extra: Any) -> Any:
    headers = bearer(token) if token else {}
    return getattr(client, method)(f"/api/v4{path}", **headers, **extra)


@pytest.fixture
def square(user: User, other_user: User) -> Channel:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    forget_join_notices(team)
    return Channel.objects.get(team=team, name="town-square")


@pytest.fixture
def secret(user: User, square: Channel) -> Channel:
    """A private channel of the team that bob does not belong to."""
    assert square.team is not None
    return channel_create(
        team=square.team, creator=user, name="secret", display_name="Secret", type="P"
    )


@pytest.fixture
def post(user: User, square: Channel) -> Post:
    """A post from a while ago, so any change visibly moves its update_at."""
    return post_create(author=user, channel=square, message="hello", create_at=now_ms() - 60_000)


@pytest.fixture
def bob(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def root(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


def past_post(author: User, channel: Channel, message: str, age_ms: int) -> Post:
    return post_create(author=author, channel=channel, message=message, create_at=now_ms() - age_ms)


class TestPin:
    def test_pin_and_unpin(
        self,
        client: Client,
        bob: str,
        post: Post,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks() as callbacks:
            response = call(client, "post", f"/posts/{post.id}/pin", bob)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert published == []  # only once committed
        for callback in callbacks:
            callback()
        pinned = fresh(post)
        assert pinned.is_pinned
        assert pinned.update_at > post.update_at
        assert pinned.edit_at == post.edit_at == 0  # not an edit of the message
        [event] = [e for e in published if e.event == "post_edited"]
        assert event.broadcast.channel_id == post.channel_id
        sent = json.loads(event.data["post"])
        assert (sent["id"], sent["is_pinned"], sent["update_at"]) == (
            post.id,
            True,
            pinned.update_at,
        )

        with django_capture_on_commit_callbacks(execute=True):
            assert call(client, "post", f"/posts/{post.id}/unpin", bob).json() == {"status": "OK"}
        unpinned = fresh(post)
        assert not unpinned.is_pinned
        assert unpinned.update_at > pinned.update_at
        assert json.loads(published[-1].data["post"])["is_pinned"] is False

    def test_readers_of_a_public_channel_may_pin_without_joining(
        self, client: Client, bob: str, user: User, square: Channel
    ) -> None:
        assert square.team is not None
        lobby = channel_create(
            team=square.team, creator=user, name="lobby", display_name="Lobby", type="O"
        )
        there = post_create(author=user, channel=lobby, message="x")
        assert call(client, "post", f"/posts/{there.id}/pin", bob).status_code == 200
        assert fresh(there).is_pinned

    def test_errors(
        self, client: Client, token: str, bob: str, user: User, post: Post, secret: Channel
    ) -> None:
        hidden = post_create(author=user, channel=secret, message="psst")
        assert_error(call(client, "post", f"/posts/{post.id}/pin"), 401, NO_SESSION)
        assert_error(call(client, "post", "/posts/nope/pin", token), 400, URL_ERROR)
        assert_error(call(client, "post", "/posts/nope/unpin", token), 400, URL_ERROR)
        # Mattermost answers an unknown post like an unreadable one: 403, never 404.
        assert_error(call(client, "post", f"/posts/{UNKNOWN_ID}/pin", token), 403, FORBIDDEN)
        assert_error(call(client, "post", f"/posts/{hidden.id}/pin", bob), 403, FORBIDDEN)
        assert not fresh(hidden).is_pinned
        Post.objects.filter(pk=post.pk).update(delete_at=now_ms())
        assert_error(call(client, "post", f"/posts/{post.id}/pin", token), 403, FORBIDDEN)

    def test_archived_channels_and_system_messages(
        self, client: Client, token: str, user: User, square: Channel
    ) -> None:
        system = Post.objects.create(user=user, channel=square, type="system_join_channel")
        assert_error(
            call(client, "post", f"/posts/{system.id}/pin", token),
            400,
            "api.post.update_post.system_message.app_error",
        )
        off_topic = Channel.objects.get(team=square.team, name="off-topic")
        there = post_create(author=user, channel=off_topic, message="x")
        channel_archive(channel=off_topic)
        assert_error(
            call(client, "post", f"/posts/{there.id}/pin", token),
            400,
            "api.post.patch_post.can_not_update_post_in_deleted.error",
        )


class TestPinnedPosts:
    def test_lists_pinned_posts_with_etag(
        self, client: Client, token: str, user: User, square: Channel
    ) -> None:
        older = past_post(user, square, "older", 30_000)
        newer = past_post(user, square, "newer", 20_000)
        past_post(user, square, "not pinned", 10_000)
        gone = past_post(user, square, "deleted", 5_000)
        Post.objects.filter(pk__in=[older.pk, newer.pk, gone.pk]).update(is_pinned=True)
        Post.objects.filter(pk=gone.pk).update(delete_at=now_ms())
        Reaction.objects.create(post=newer, user=user, emoji_name="star", channel_id=square.id)
        Post.objects.filter(pk=newer.pk).update(has_reactions=True)

        response = call(client, "get", f"/channels/{square.id}/pinned", token)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == POST_LIST_KEYS
        assert body["order"] == [older.id, newer.id]  # Mattermost's order: oldest first
        assert set(body["posts"]) == {older.id, newer.id}
        assert (body["next_post_id"], body["prev_post_id"]) == ("", "")
        assert body["first_inaccessible_post_time"] == 0
        assert body["posts"][newer.id]["is_pinned"] is True
        [reaction] = body["posts"][newer.id]["metadata"]["reactions"]
        assert reaction["emoji_name"] == "star"

        latest = max([fresh(older), fresh(newer)], key=lambda p: (p.update_at, p.id))
        etag = f"{SERVER_VERSION}.{older.id}.{latest.id}.{latest.update_at}"
        assert response["ETag"] == etag
        cached = call(
            client, "get", f"/channels/{square.id}/pinned", token, HTTP_IF_NONE_MATCH=etag
        )
        assert cached.status_code == 304
        call(client, "post", f"/posts/{older.id}/unpin", token)
        changed = call(
            client, "get", f"/channels/{square.id}/pinned", token, HTTP_IF_NONE_MATCH=etag
        )
        assert changed.status_code == 200
        assert changed.json()["order"] == [newer.id]

    def test_empty(self, client: Client, token: str, square: Channel) -> None:
        response = call(client, "get", f"/channels/{square.id}/pinned", token)
        assert response.json()["order"] == []
        assert response.json()["posts"] == {}
        assert response["ETag"] == f"{SERVER_VERSION}..0.0"

    def test_errors(self, client: Client, token: str, bob: str, secret: Channel) -> None:
        assert_error(call(client, "get", f"/channels/{secret.id}/pinned"), 401, NO_SESSION)
        assert_error(call(client, "get", "/channels/nope/pinned", token), 400, URL_ERROR)
        assert_error(call(client, "get", f"/channels/{secret.id}/pinned", bob), 403, FORBIDDEN)
        # an unknown channel is refused, not reported missing, as Mattermost does
        assert_error(call(client, "get", f"/channels/{UNKNOWN_ID}/pinned", bob), 403, FORBIDDEN)

    def test_query_count_does_not_grow_with_posts(
        self, client: Client, token: str, user: User, square: Channel
    ) -> None:
        off_topic = Channel.objects.get(team=square.team, name="off-topic")

        def pin_posts(channel: Channel, count: int) -> None:
            root = post_create(author=user, channel=channel, message="root")
            for n in range(count):
                made = post_create(author=user, channel=channel, message=f"m{n}", root_id=root.id)
                Reaction.objects.create(post=made, user=user, emoji_name="a", channel_id=channel.id)
            Post.objects.filter(channel=channel).update(is_pinned=True, has_reactions=True)

        pin_posts(square, 1)
        pin_posts(off_topic, 30)
        call(client, "get", f"/channels/{square.id}/pinned", token)  # warms the session cache
        with CaptureQueriesContext(connection) as small:
            assert call(client, "get", f"/channels/{square.id}/pinned", token).status_code == 200
        with CaptureQueriesContext(connection) as large:
            response = call(client, "get", f"/channels/{off_topic.id}/pinned", token)
        assert len(response.json()["order"]) == 31
        reply = next(p for p in response.json()["posts"].values() if p["root_id"])
        assert reply["reply_count"] == 30  # a reply carries its thread's count
        assert len(large) == len(small)


def flag(user: User, *posts: Post) -> None:
    for post in posts:
        Preference.objects.create(user=user, category="flagged_post", name=post.id, value="true")


class TestFlaggedPosts:
    def test_follows_the_preferences_newest_first(
        self, client: Client, bob: str, user: User, other_user: User, square: Channel
    ) -> None:
        older = past_post(user, square, "older", 30_000)
        newer = past_post(user, square, "newer", 20_000)
        past_post(user, square, "not flagged", 10_000)
        deleted = past_post(user, square, "deleted", 5_000)
        Post.objects.filter(pk=deleted.pk).update(delete_at=now_ms())
        flag(other_user, older, newer, deleted)
        flag(user, past_post(user, square, "alice's own flag", 1_000))

        response = call(client, "get", "/users/me/posts/flagged", bob)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == POST_LIST_KEYS
        assert body["order"] == [newer.id, older.id]
        assert set(body["posts"]) == {newer.id, older.id}
        assert body["posts"][older.id]["message"] == "older"

        Preference.objects.filter(user=other_user, name=older.id).delete()
        again = call(client, "get", f"/users/{other_user.id}/posts/flagged", bob).json()
        assert again["order"] == [newer.id]

    def test_drops_posts_the_user_can_no_longer_read(
        self, client: Client, bob: str, user: User, other_user: User, secret: Channel
    ) -> None:
        channel_member_add(channel=secret, user=other_user)
        hidden = post_create(author=user, channel=secret, message="psst")
        flag(other_user, hidden)
        assert call(client, "get", "/users/me/posts/flagged", bob).json()["order"] == [hidden.id]
        channel_member_remove(channel=secret, user=other_user)
        body = call(client, "get", "/users/me/posts/flagged", bob).json()
        assert body["order"] == []
        assert body["posts"] == {}

    def test_leaves_out_public_channels_the_user_left(
        self, client: Client, bob: str, user: User, other_user: User, square: Channel
    ) -> None:
        # Bob may still read the public channel, but like Mattermost the list keeps
        # only the channels he belongs to, as search does.
        assert square.team is not None
        lounge = channel_create(
            team=square.team, creator=user, name="lounge", display_name="Lounge", type="O"
        )
        channel_member_add(channel=lounge, user=other_user)
        post = post_create(author=user, channel=lounge, message="saved for later")
        flag(other_user, post)
        assert call(client, "get", "/users/me/posts/flagged", bob).json()["order"] == [post.id]
        channel_member_remove(channel=lounge, user=other_user)
        assert call(client, "get", f"/channels/{lounge.id}/posts", bob).status_code == 200
        assert call(client, "get", "/users/me/posts/flagged", bob).json()["order"] == []

    def test_channel_team_and_page_filters(
        self, client: Client, bob: str, user: User, other_user: User, square: Channel
    ) -> None:
        beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
        team_member_add(team=beta, user=other_user)
        beta_square = Channel.objects.get(team=beta, name="town-square")
        direct = direct_channel_get_or_create(user=user, other_user=other_user).channel
        in_square = past_post(user, square, "alpha", 40_000)
        in_beta = past_post(user, beta_square, "beta", 30_000)
        in_direct = past_post(user, direct, "dm", 20_000)
        flag(other_user, in_square, in_beta, in_direct)

        def order(query: str) -> list[str]:
            response = call(client, "get", f"/users/me/posts/flagged?{query}", bob)
            assert response.status_code == 200
            result: list[str] = response.json()["order"]
            return result

        assert order("") == [in_direct.id, in_beta.id, in_square.id]
        assert order(f"channel_id={square.id}") == [in_square.id]
        team: Team | None = square.team
        assert team is not None
        assert order(f"team_id={team.id}") == [in_direct.id, in_square.id]  # DMs have no team
        assert order("per_page=2") == [in_direct.id, in_beta.id]
        assert order("per_page=2&page=1") == [in_square.id]
        assert order("per_page=2&page=5") == []

    def test_someone_elses_needs_edit_other_users(
        self, client: Client, token: str, root: str, other_user: User, post: Post
    ) -> None:
        flag(other_user, post)
        path = f"/users/{other_user.id}/posts/flagged"
        assert_error(call(client, "get", path, token), 403, FORBIDDEN)
        assert call(client, "get", path, root).json()["order"] == [post.id]

    def test_errors(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", "/users/me/posts/flagged"), 401, NO_SESSION)
        assert_error(call(client, "get", "/users/nope/posts/flagged", token), 400, URL_ERROR)
