"""Reactions over API v4: add, list, remove, bulk; the post's has_reactions / update_at,
the events, query budgets, and the real mattermostdriver client."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mattermostdriver import Driver

from apps.accounts.models import Session, User
from apps.channels.models import Channel
from apps.channels.services import channel_archive, channel_create
from apps.core.clock import now_ms
from apps.core.events import Event
from apps.posts.models import Post, Reaction
from apps.posts.reaction_selectors import reactions_for_posts
from apps.posts.services import post_create
from apps.posts.services import reactions as reaction_services
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
INVALID_REACTION = "api.reaction.save_reaction.invalid.app_error"
NOT_YOURS = "api.reaction.save_reaction.user_id.app_error"
BAD_EMOJI = "model.reaction.is_valid.emoji_name.app_error"
MISSING_POST = "app.post.get.app_error"
PARSE_ERROR = "api.payload.parse.error"
UNKNOWN_ID = "q" * 26
REACTION_KEYS = {
    "user_id",
    "post_id",
    "emoji_name",
    "create_at",
    "update_at",
    "delete_at",
    "remote_id",
    "channel_id",
}


def call(
    client: Client, method: str, path: str, token: str | None = None, body: object = None
) -> Any:
    headers = bearer(token) if token else {}
    if body is None:
        return getattr(client, method)(f"/api/v4{path}", **headers)
    raw = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(
        f"/api/v4{path}", raw, content_type="application/json", **headers
    )


@pytest.fixture
def square(user: User, other_user: User) -> Channel:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
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


def react(client: Client, token: str, user: User, post_id: str, emoji: str = "smile") -> Any:
    body = {"user_id": user.id, "post_id": post_id, "emoji_name": emoji}
    return call(client, "post", "/reactions", token, body)


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


class TestAddReaction:
    def test_adds_and_returns_the_reaction(
        self, client: Client, token: str, user: User, post: Post
    ) -> None:
        response = react(client, token, user, post.id, "+1")
        assert response.status_code == 200
        reaction = response.json()
        assert set(reaction) == REACTION_KEYS
        assert (reaction["user_id"], reaction["post_id"], reaction["emoji_name"]) == (
            user.id,
            post.id,
            "+1",
        )
        assert reaction["channel_id"] == post.channel_id
        assert reaction["delete_at"] == 0
        assert reaction["create_at"] == reaction["update_at"] > 0
        changed = fresh(post)
        assert changed.has_reactions
        assert changed.update_at > post.update_at

    def test_the_same_emoji_again_is_one_reaction(
        self, client: Client, token: str, user: User, post: Post
    ) -> None:
        assert react(client, token, user, post.id).status_code == 200
        first_touch = fresh(post).update_at
        again = react(client, token, user, post.id)
        assert again.status_code == 200
        assert again.json()["emoji_name"] == "smile"
        assert Reaction.objects.filter(post=post).count() == 1
        assert fresh(post).update_at > first_touch  # every change moves the post

    def test_event_is_sent_on_commit_only(
        self,
        client: Client,
        token: str,
        user: User,
        post: Post,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks() as callbacks:
            response = react(client, token, user, post.id)
        assert response.status_code == 200
        assert published == []  # nothing before the commit
        for callback in callbacks:
            callback()
        [event] = [e for e in published if e.event == "reaction_added"]
        assert event.broadcast.channel_id == post.channel_id
        assert json.loads(event.data["reaction"]) == response.json()

    def test_body_errors(self, client: Client, token: str, user: User, post: Post) -> None:
        good = {"user_id": user.id, "post_id": post.id, "emoji_name": "smile"}
        assert_error(call(client, "post", "/reactions", token, "{nope"), 400, BODY_ERROR)
        assert_error(call(client, "post", "/reactions", token, [good]), 400, BODY_ERROR)
        assert_error(
            call(client, "post", "/reactions", token, {**good, "user_id": 7}), 400, BODY_ERROR
        )
        assert_error(
            call(client, "post", "/reactions", token, {**good, "emoji_name": ["x"]}),
            400,
            BODY_ERROR,
        )
        for bad in (
            {**good, "user_id": "short"},
            {**good, "post_id": "x" * 27},
            {**good, "emoji_name": ""},
            {**good, "emoji_name": "a" * 65},
            {"user_id": user.id, "post_id": post.id},
        ):
            assert_error(call(client, "post", "/reactions", token, bad), 400, INVALID_REACTION)
        assert_error(react(client, token, user, post.id, "no spaces"), 400, BAD_EMOJI)
        assert_error(react(client, token, user, post.id, "semi;colon"), 400, BAD_EMOJI)
        assert not Reaction.objects.exists()

    def test_unauthenticated(self, client: Client, user: User, post: Post) -> None:
        body = {"user_id": user.id, "post_id": post.id, "emoji_name": "smile"}
        assert_error(call(client, "post", "/reactions", None, body), 401, NO_SESSION)

    def test_only_as_oneself(
        self, client: Client, token: str, other_user: User, post: Post
    ) -> None:
        assert_error(react(client, token, other_user, post.id), 403, NOT_YOURS)

    def test_not_in_a_private_channel_one_is_not_in(
        self, client: Client, user: User, other_user: User, bob: str, secret: Channel
    ) -> None:
        hidden = post_create(author=user, channel=secret, message="psst")
        assert_error(react(client, bob, other_user, hidden.id), 403, FORBIDDEN)
        assert_error(react(client, bob, other_user, UNKNOWN_ID), 403, FORBIDDEN)

    def test_missing_and_deleted_posts(
        self, client: Client, token: str, root: str, user: User, admin: User, post: Post
    ) -> None:
        Post.objects.filter(pk=post.pk).update(delete_at=now_ms())
        assert_error(react(client, token, user, post.id), 404, MISSING_POST)
        assert_error(react(client, root, admin, UNKNOWN_ID), 404, MISSING_POST)

    def test_archived_channel(
        self, client: Client, token: str, user: User, post: Post, square: Channel
    ) -> None:
        off_topic = Channel.objects.get(team=square.team, name="off-topic")
        there = post_create(author=user, channel=off_topic, message="x")
        channel_archive(channel=off_topic)
        assert_error(
            react(client, token, user, there.id),
            403,
            "api.reaction.save.archived_channel.app_error",
        )

    def test_unique_emoji_limit(
        self, client: Client, token: str, user: User, post: Post, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(reaction_services, "UNIQUE_EMOJI_REACTION_LIMIT_PER_POST", 2)
        assert react(client, token, user, post.id, "a").status_code == 200
        assert react(client, token, user, post.id, "b").status_code == 200
        assert_error(
            react(client, token, user, post.id, "c"),
            400,
            "app.reaction.save.save.too_many_reactions",
        )
        assert react(client, token, user, post.id, "a").status_code == 200  # already there


class TestListReactions:
    def test_empty_then_listed(
        self, client: Client, token: str, bob: str, user: User, other_user: User, post: Post
    ) -> None:
        response = call(client, "get", f"/posts/{post.id}/reactions", token)
        assert response.status_code == 200
        assert response.json() == []
        react(client, token, user, post.id, "smile")
        react(client, bob, other_user, post.id, "tada")
        listed = call(client, "get", f"/posts/{post.id}/reactions", token).json()
        assert [(r["user_id"], r["emoji_name"]) for r in listed] == [
            (user.id, "smile"),
            (other_user.id, "tada"),
        ]
        assert all(set(r) == REACTION_KEYS for r in listed)

    def test_errors(
        self, client: Client, user: User, bob: str, post: Post, secret: Channel
    ) -> None:
        hidden = post_create(author=user, channel=secret, message="psst")
        assert_error(call(client, "get", f"/posts/{post.id}/reactions"), 401, NO_SESSION)
        assert_error(call(client, "get", "/posts/nope/reactions", bob), 400, URL_ERROR)
        assert_error(call(client, "get", f"/posts/{hidden.id}/reactions", bob), 403, FORBIDDEN)
        assert_error(call(client, "get", f"/posts/{UNKNOWN_ID}/reactions", bob), 403, FORBIDDEN)


class TestRemoveReaction:
    def path(self, user_id: str, post_id: str, emoji: str = "smile") -> str:
        return f"/users/{user_id}/posts/{post_id}/reactions/{emoji}"

    def test_removes_softly_and_touches_post(
        self,
        client: Client,
        token: str,
        user: User,
        post: Post,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        react(client, token, user, post.id, "smile")
        react(client, token, user, post.id, "tada")
        before = fresh(post).update_at
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", self.path("me", post.id), token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        gone = Reaction.objects.get(post=post, emoji_name="smile")
        assert gone.delete_at > 0  # kept, soft-deleted
        changed = fresh(post)
        assert changed.has_reactions  # the other one is still there
        assert changed.update_at > before
        listed = call(client, "get", f"/posts/{post.id}/reactions", token).json()
        assert [r["emoji_name"] for r in listed] == ["tada"]
        [event] = [e for e in published if e.event == "reaction_removed"]
        removed = json.loads(event.data["reaction"])
        assert (removed["emoji_name"], removed["user_id"]) == ("smile", user.id)
        assert removed["delete_at"] > 0
        assert event.broadcast.channel_id == post.channel_id

        assert call(client, "delete", self.path(user.id, post.id, "tada"), token).status_code == 200
        assert not fresh(post).has_reactions

    def test_adding_again_after_removing(
        self, client: Client, token: str, user: User, post: Post
    ) -> None:
        react(client, token, user, post.id)
        call(client, "delete", self.path(user.id, post.id), token)
        again = react(client, token, user, post.id)
        assert again.json()["delete_at"] == 0
        assert fresh(post).has_reactions
        assert len(call(client, "get", f"/posts/{post.id}/reactions", token).json()) == 1

    def test_someone_elses_needs_remove_others_reactions(
        self,
        client: Client,
        token: str,
        bob: str,
        root: str,
        user: User,
        post: Post,
    ) -> None:
        react(client, token, user, post.id)
        assert_error(call(client, "delete", self.path(user.id, post.id), bob), 403, FORBIDDEN)
        assert Reaction.objects.get(post=post).delete_at == 0
        assert call(client, "delete", self.path(user.id, post.id), root).status_code == 200
        assert Reaction.objects.get(post=post).delete_at > 0

    def test_errors(
        self,
        client: Client,
        token: str,
        bob: str,
        user: User,
        other_user: User,
        post: Post,
        secret: Channel,
    ) -> None:
        hidden = post_create(author=user, channel=secret, message="psst")
        assert_error(call(client, "delete", self.path(user.id, post.id)), 401, NO_SESSION)
        assert_error(call(client, "delete", self.path("nope", post.id), token), 400, URL_ERROR)
        assert_error(call(client, "delete", self.path(user.id, "nope"), token), 400, URL_ERROR)
        assert_error(
            call(client, "delete", self.path(user.id, post.id, "bad;name"), token), 400, URL_ERROR
        )
        assert_error(
            call(client, "delete", self.path(other_user.id, hidden.id), bob), 403, FORBIDDEN
        )
        Post.objects.filter(pk=post.pk).update(delete_at=now_ms())
        assert_error(call(client, "delete", self.path(user.id, post.id), token), 404, MISSING_POST)

    def test_archived_channel(
        self, client: Client, token: str, user: User, square: Channel
    ) -> None:
        off_topic = Channel.objects.get(team=square.team, name="off-topic")
        there = post_create(author=user, channel=off_topic, message="x")
        react(client, token, user, there.id)
        channel_archive(channel=off_topic)
        assert_error(
            call(client, "delete", self.path(user.id, there.id), token),
            403,
            "api.reaction.delete.archived_channel.app_error",
        )


class TestBulkReactions:
    def test_maps_every_post_to_its_reactions(
        self, client: Client, token: str, user: User, post: Post, square: Channel
    ) -> None:
        other = post_create(author=user, channel=square, message="quiet")
        react(client, token, user, post.id, "smile")
        body = [post.id, other.id, post.id]
        response = call(client, "post", "/posts/ids/reactions", token, body)
        assert response.status_code == 200
        result = response.json()
        assert set(result) == {post.id, other.id}
        assert [r["emoji_name"] for r in result[post.id]] == ["smile"]
        assert result[other.id] == []
        assert call(client, "post", "/posts/ids/reactions", token, "null").json() == {}
        assert call(client, "post", "/posts/ids/reactions", token, []).json() == {}

    def test_errors(
        self, client: Client, token: str, bob: str, user: User, post: Post, secret: Channel
    ) -> None:
        hidden = post_create(author=user, channel=secret, message="psst")
        url = "/posts/ids/reactions"
        assert_error(call(client, "post", url, None, [post.id]), 401, NO_SESSION)
        assert_error(call(client, "post", url, token, "[nope"), 400, PARSE_ERROR)
        assert_error(call(client, "post", url, token, {"ids": [post.id]}), 400, PARSE_ERROR)
        assert_error(call(client, "post", url, token, [post.id, 3]), 400, PARSE_ERROR)
        empty = client.post(f"/api/v4{url}", "", content_type="application/json", **bearer(token))
        assert_error(empty, 400, PARSE_ERROR)
        assert_error(call(client, "post", url, bob, [post.id, hidden.id]), 403, FORBIDDEN)
        assert_error(call(client, "post", url, bob, [post.id, UNKNOWN_ID]), 403, FORBIDDEN)
        assert call(client, "post", url, token, [post.id, hidden.id]).status_code == 200

    def test_query_count_does_not_grow_with_posts(
        self, client: Client, token: str, user: User, square: Channel, secret: Channel
    ) -> None:
        def posts(count: int) -> list[str]:
            ids = []
            for n in range(count):
                channel = square if n % 2 else secret
                made = post_create(author=user, channel=channel, message=f"m{n}")
                Reaction.objects.create(
                    post=made, user=user, emoji_name="smile", channel_id=channel.id
                )
                ids.append(made.id)
            return ids

        one, thirty = posts(1), posts(30)
        url = "/posts/ids/reactions"
        call(client, "post", url, token, one)  # warms the session cache
        with CaptureQueriesContext(connection) as small:
            assert call(client, "post", url, token, one).status_code == 200
        with CaptureQueriesContext(connection) as large:
            response = call(client, "post", url, token, thirty)
        assert response.status_code == 200
        assert all(len(response.json()[post_id]) == 1 for post_id in thirty)
        assert len(large) == len(small)


def test_reactions_for_posts_is_one_query(
    user: User, other_user: User, square: Channel, django_assert_num_queries: Any
) -> None:
    posts = [post_create(author=user, channel=square, message=f"m{n}") for n in range(5)]
    for made in posts[:3]:
        Reaction.objects.create(post=made, user=user, emoji_name="a", channel_id=square.id)
        Reaction.objects.create(post=made, user=other_user, emoji_name="b", channel_id=square.id)
    Reaction.objects.filter(post=posts[2], user=other_user).update(delete_at=1)
    with django_assert_num_queries(1):
        result = reactions_for_posts(post.id for post in posts)
    assert [len(result[post.id]) for post in posts] == [2, 2, 1, 0, 0]
    assert result[posts[0].id][0]["emoji_name"] == "a"
    with django_assert_num_queries(0):
        assert reactions_for_posts([]) == {}


def test_double_slashes_in_paths_are_collapsed(
    client: Client, token: str, user: User, post: Post
) -> None:
    react(client, token, user, post.id)
    response = client.get(f"/api/v4/posts/{post.id}//reactions", **bearer(token))
    assert response.status_code == 200
    assert [r["emoji_name"] for r in response.json()] == ["smile"]
    response = client.delete(f"/api/v4//users/me/posts/{post.id}/reactions//smile", **bearer(token))
    assert response.json() == {"status": "OK"}


def driver_for(live_server: Any, login_id: str, password: str) -> Driver:
    address = urlsplit(live_server.url)
    return Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": login_id,
            "password": password,
            "timeout": 10,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_adds_lists_and_removes_a_reaction(
    live_server: Any, user: User, square: Channel
) -> None:
    post = post_create(author=user, channel=square, message="react to me")
    driver = driver_for(live_server, "alice", "passw0rd!")
    driver.login()
    created = driver.reactions.create_reaction(
        options={"user_id": user.id, "post_id": post.id, "emoji_name": "thumbsup"}
    )
    assert created["emoji_name"] == "thumbsup"
    assert created["post_id"] == post.id
    listed = driver.reactions.get_reactions_of_post(post.id)  # requests .../{id}//reactions
    assert [(r["user_id"], r["emoji_name"]) for r in listed] == [(user.id, "thumbsup")]
    removed = driver.reactions.delete_reaction(user.id, post.id, "thumbsup")
    assert removed == {"status": "OK"}
    assert driver.reactions.get_reactions_of_post(post.id) == []
    assert not Post.objects.get(pk=post.pk).has_reactions
    driver.logout()


def test_lists_and_single_posts_carry_their_reactions(
    client: Client,
    user: User,
    post: Post,
    square: Channel,
    login: Callable[..., tuple[Session, str]],
) -> None:
    _, token = login(user)
    react(client, token, user, post.id, "tada")
    one = client.get(f"/api/v4/posts/{post.id}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [r["emoji_name"] for r in one["metadata"]["reactions"]] == ["tada"]
    assert one["has_reactions"] is True
    listed = client.get(
        f"/api/v4/channels/{square.id}/posts", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert [r["emoji_name"] for r in listed["posts"][post.id]["metadata"]["reactions"]] == ["tada"]
