"""The collapsed-thread routes of API v4: ``/users/{user_id}/teams/{team_id}/threads...``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import session_create
from apps.channels.services import direct_channel_get_or_create
from apps.core.clock import now_ms
from apps.core.events import Event
from apps.posts.models import Post, ThreadMembership
from apps.posts.services import post_delete, thread_set_following
from apps.teams.services import team_create
from tests.helpers import assert_error
from tests.posts.thread_setup import (
    BAD_PARAM,
    BAD_URL,
    EXPIRED,
    FORBIDDEN,
    NO_MEMBERSHIP,
    NO_POST,
    NOT_FOLLOWED,
    THREAD_KEYS,
    UNKNOWN_ID,
    UNKNOWN_ROUTE,
    World,
    build_world,
    call,
    event_thread,
    make_user,
    unread,
)

pytestmark = pytest.mark.django_db

TOTAL_KEYS = [
    "total",
    "total_unread_threads",
    "total_unread_mentions",
    "total_unread_urgent_mentions",
    "threads",
]


@pytest.fixture
def world(user: User, other_user: User) -> World:
    return build_world(user, other_user)


@pytest.fixture
def admin_token(admin: User) -> str:
    return session_create(user=admin)[1]


def events(published: list[Event], name: str) -> list[Event]:
    return [event for event in published if event.event == name]


def answered(world: World, message: str = "plans") -> Post:
    """A root of Alice's that Bob answered once (mentioning nobody)."""
    root = world.say(world.alice, message)
    world.say(world.bob, "ok", root)
    return root


class TestThreadList:
    def test_lists_the_followed_threads_with_their_totals(
        self, client: Client, world: World
    ) -> None:
        root = world.say(world.alice, "release?")
        world.say(world.bob, "@alice soon", root)
        world.say(world.carol, "agreed", root)
        response = call(client, "get", world.threads_url("me"), world.token(world.alice))
        assert response.status_code == 200
        body = response.json()
        assert list(body) == TOTAL_KEYS
        assert body["total"] == body["total_unread_threads"] == 1
        assert body["total_unread_mentions"] == 1
        assert body["total_unread_urgent_mentions"] == 0
        [thread] = body["threads"]
        assert list(thread) == THREAD_KEYS
        fresh_root = Post.objects.get(pk=root.id)
        assert thread["id"] == root.id
        assert thread["reply_count"] == 2
        assert thread["last_reply_at"] == fresh_root.last_reply_at
        assert thread["last_viewed_at"] == 0
        assert thread["participants"] == [{"id": world.bob.id}, {"id": world.carol.id}]
        assert (thread["unread_replies"], thread["unread_mentions"]) == (2, 1)
        assert (thread["is_urgent"], thread["delete_at"]) == (False, 0)
        assert thread["post"]["id"] == root.id
        assert thread["post"]["message"] == "release?"
        assert thread["post"]["user_id"] == world.alice.id

    def test_extended_lists_the_participants_profiles(self, client: Client, world: World) -> None:
        answered(world)
        body = call(
            client, "get", world.threads_url("me"), world.token(world.alice), extended="true"
        ).json()
        [participant] = body["threads"][0]["participants"]
        assert participant["id"] == world.bob.id
        assert participant["username"] == "bob"
        assert "password" not in participant
        # Another user's notification settings are not Alice's to see.
        assert participant["notify_props"] == {}

    def test_newest_answer_first_and_cursors(self, client: Client, world: World) -> None:
        first, second, third = (answered(world, f"thread {n}") for n in range(3))
        url, token = world.threads_url(world.alice), world.token(world.alice)

        def ids(**query: Any) -> list[str]:
            response = call(client, "get", url, token, **query)
            assert response.status_code == 200, response.content
            return [thread["id"] for thread in response.json()["threads"]]

        assert ids() == [third.id, second.id, first.id]
        assert ids(per_page="2") == [third.id, second.id]
        assert ids(per_page="2", page="1") == [first.id]
        assert ids(before=third.id) == [second.id, first.id]
        # After a cursor, Mattermost answers oldest first.
        assert ids(after=first.id) == [second.id, third.id]
        assert ids(before=UNKNOWN_ID) == []
        assert ids(after="not an id at all " * 20) == []
        # A page of 0 is the store's page of 30, not an empty one.
        assert ids(per_page="0") == [third.id, second.id, first.id]
        # A new answer moves a thread to the top.
        world.say(world.carol, "bump", first)
        assert ids() == [first.id, third.id, second.id]

    def test_since_unread_and_deleted(self, client: Client, world: World) -> None:
        old = answered(world, "old")
        read_later = answered(world, "read later")
        gone = answered(world, "gone")
        url, token = world.threads_url(world.alice), world.token(world.alice)
        # Memberships from long ago, so that only the read below changes one "since".
        ThreadMembership.objects.update(last_updated=1)
        call(client, "put", f"{url}/{read_later.id}/read/{world.tick()}", token)
        post_delete(post=gone, deleter=world.alice)

        def listing(**query: Any) -> dict[str, Any]:
            response = call(client, "get", url, token, **query)
            assert response.status_code == 200, response.content
            body: dict[str, Any] = response.json()
            return body

        everything = listing()
        assert [t["id"] for t in everything["threads"]] == [read_later.id, old.id]
        assert (everything["total"], everything["total_unread_threads"]) == (2, 1)
        unread_only = listing(unread="true")
        assert [t["id"] for t in unread_only["threads"]] == [old.id]
        assert unread_only["total"] == 1
        # Since: threads answered, or whose membership changed, at or after that time.
        since = listing(since=str(Post.objects.get(pk=old.id).last_reply_at + 1))
        assert [t["id"] for t in since["threads"]] == [read_later.id]
        assert listing(since=str(now_ms() + 60_000))["threads"] == []
        with_deleted = listing(deleted="true")
        assert [t["id"] for t in with_deleted["threads"]] == [gone.id, read_later.id, old.id]
        assert with_deleted["threads"][0]["delete_at"] > 0
        assert with_deleted["total"] == 3

    def test_totals_only_and_threads_only(self, client: Client, world: World) -> None:
        answered(world)
        url, token = world.threads_url(world.alice), world.token(world.alice)
        totals = call(client, "get", url, token, totalsOnly="true").json()
        assert totals == {
            "total": 1,
            "total_unread_threads": 1,
            "total_unread_mentions": 0,
            "total_unread_urgent_mentions": 0,
            "threads": None,
        }
        threads = call(client, "get", url, token, threadsOnly="true").json()
        assert (threads["total"], threads["total_unread_threads"]) == (0, 0)
        assert len(threads["threads"]) == 1

    def test_direct_message_threads_belong_to_every_team(
        self, client: Client, world: World
    ) -> None:
        direct = direct_channel_get_or_create(user=world.alice, other_user=world.bob).channel
        in_team = answered(world)
        in_direct = world.say(world.alice, "psst", channel=direct)
        world.say(world.bob, "?", in_direct)
        other_team = team_create(creator=world.alice, display_name="Beta", name="beta", type="O")
        token = world.token(world.alice)
        listed = call(client, "get", world.threads_url(world.alice), token).json()
        assert [t["id"] for t in listed["threads"]] == [in_direct.id, in_team.id]
        team_only = call(
            client, "get", world.threads_url(world.alice), token, excludeDirect="true"
        ).json()
        assert [t["id"] for t in team_only["threads"]] == [in_team.id]
        elsewhere = call(client, "get", world.threads_url(world.alice, other_team), token).json()
        assert [t["id"] for t in elsewhere["threads"]] == [in_direct.id]

    def test_bad_parameters(self, client: Client, world: World) -> None:
        url, token = world.threads_url(world.alice), world.token(world.alice)
        for since in ("-1", "soon", "1.5", "18446744073709551616"):
            assert_error(call(client, "get", url, token, since=since), 400, BAD_PARAM)
        assert_error(
            call(client, "get", url, token, before=UNKNOWN_ID, after=UNKNOWN_ID),
            400,
            "api.getThreadsForUser.bad_params",
        )
        assert_error(
            call(client, "get", url, token, totalsOnly="true", threadsOnly="true"),
            400,
            "api.getThreadsForUser.bad_only_params",
        )
        assert_error(call(client, "get", "/users/me/teams/nope/threads", token), 400, BAD_URL)
        assert_error(call(client, "get", world.threads_url("x"), token), 400, BAD_URL)

    def test_who_may_list(self, client: Client, world: World, admin_token: str) -> None:
        url = world.threads_url(world.alice)
        assert_error(call(client, "get", url), 401, EXPIRED)
        assert_error(call(client, "get", url, world.token(world.bob)), 403, FORBIDDEN)
        outsider = make_user("dave")
        assert_error(
            call(client, "get", world.threads_url(outsider), world.token(outsider)), 403, FORBIDDEN
        )
        answered(world)
        # edit_other_users (an admin) may read anyone's threads.
        assert call(client, "get", url, admin_token).json()["total"] == 1

    def test_query_budget_does_not_grow_with_threads(
        self, client: Client, world: World, django_assert_max_num_queries: Any
    ) -> None:
        answered(world)
        url, token = world.threads_url(world.alice), world.token(world.alice)
        call(client, "get", url, token, extended="true")  # warm the session cache
        with django_assert_max_num_queries(100) as one:
            call(client, "get", url, token, extended="true")
        for n in range(29):
            root = world.say(world.alice, f"thread {n}")
            world.say(world.bob if n % 2 else world.carol, "ok", root)
        with django_assert_max_num_queries(len(one.captured_queries)):
            body = call(client, "get", url, token, extended="true").json()
        assert len(body["threads"]) == 30


class TestOneThread:
    def url(self, world: World, root: Post, user: User | str = "me") -> str:
        return f"{world.threads_url(user)}/{root.id}"

    def test_get(self, client: Client, world: World) -> None:
        root = answered(world)
        response = call(client, "get", self.url(world, root), world.token(world.alice))
        assert response.status_code == 200
        thread = response.json()
        assert list(thread) == THREAD_KEYS
        assert (thread["id"], thread["unread_replies"], thread["reply_count"]) == (root.id, 1, 1)
        assert thread["participants"] == [{"id": world.bob.id}]
        extended = call(
            client, "get", self.url(world, root), world.token(world.alice), extended="true"
        ).json()
        assert extended["participants"][0]["username"] == "bob"

    def test_not_found(self, client: Client, world: World) -> None:
        root = answered(world)
        token = world.token(world.carol)
        assert_error(call(client, "get", self.url(world, root), token), 404, NO_MEMBERSHIP)
        thread_set_following(user_id=world.carol.id, root=root, team_id="", following=True)
        thread_set_following(user_id=world.carol.id, root=root, team_id="", following=False)
        assert_error(call(client, "get", self.url(world, root), token), 404, NOT_FOLLOWED)
        # Following a root nobody answered gives a membership but no thread yet.
        lonely = world.say(world.alice, "anyone?")
        thread_set_following(user_id=world.carol.id, root=lonely, team_id="", following=True)
        assert_error(call(client, "get", self.url(world, lonely), token), 404, NOT_FOLLOWED)

    def test_refused(self, client: Client, world: World, admin_token: str) -> None:
        root = answered(world)
        hidden = world.say(world.alice, "between us", channel=world.secret)
        world.say(world.carol, "sure", hidden)
        assert_error(call(client, "get", self.url(world, root)), 401, EXPIRED)
        bob = world.token(world.bob)
        assert_error(call(client, "get", self.url(world, root, world.alice), bob), 403, FORBIDDEN)
        assert_error(call(client, "get", self.url(world, hidden), bob), 403, FORBIDDEN)
        unknown = f"{world.threads_url('me')}/{UNKNOWN_ID}"
        assert_error(call(client, "get", unknown, bob), 403, FORBIDDEN)
        assert_error(call(client, "get", unknown, admin_token), 404, NO_MEMBERSHIP)
        assert_error(call(client, "get", f"{world.threads_url('me')}/x1", bob), 400, BAD_URL)
        admin_view = call(client, "get", self.url(world, root, world.alice), admin_token)
        assert admin_view.status_code == 200


class TestReadState:
    def test_read_to_a_time(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        root = world.say(world.alice, "plans")
        first = world.say(world.bob, "@alice one", root)
        world.say(world.bob, "@alice two", root)
        url = f"{world.threads_url(world.alice)}/{root.id}/read/{first.create_at}"
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", url, world.token(world.alice))
        assert response.status_code == 200
        thread = response.json()
        assert list(thread) == THREAD_KEYS
        assert thread["last_viewed_at"] == first.create_at
        assert (thread["unread_replies"], thread["unread_mentions"]) == (1, 1)
        [event] = events(published, "thread_read_changed")
        assert event.broadcast.user_id == world.alice.id
        assert event.broadcast.team_id == world.team.id
        assert event.data == {
            "thread_id": root.id,
            "timestamp": first.create_at,
            "unread_mentions": 1,
            "unread_replies": 1,
            "previous_unread_mentions": 2,
            "previous_unread_replies": 2,
            "channel_id": world.square.id,
        }

    def test_read_errors(self, client: Client, world: World) -> None:
        root = answered(world)
        base = f"{world.threads_url('me')}/{root.id}/read"
        alice, carol = world.token(world.alice), world.token(world.carol)
        assert_error(call(client, "put", f"{base}/0", alice), 400, BAD_URL)
        assert_error(call(client, "put", f"{base}/soon", alice), 404, UNKNOWN_ROUTE)
        assert_error(call(client, "put", f"{base}/1"), 401, EXPIRED)
        assert_error(call(client, "put", f"{base}/1", carol), 404, NO_MEMBERSHIP)
        other = f"{world.threads_url(world.alice)}/{root.id}/read/1"
        assert_error(call(client, "put", other, carol), 403, FORBIDDEN)
        # The read state of an unfollowed thread is kept, then refused, as Mattermost does.
        thread_set_following(user_id=world.alice.id, root=root, team_id="", following=False)
        assert_error(call(client, "put", f"{base}/1", alice), 404, NOT_FOLLOWED)

    def test_set_unread_from_a_post(self, client: Client, world: World) -> None:
        root = world.say(world.alice, "plans")
        first = world.say(world.bob, "@alice one", root)
        world.say(world.bob, "two", root)
        token = world.token(world.alice)
        call(client, "put", f"{world.threads_url('me')}/{root.id}/read/{world.tick()}", token)
        base = f"{world.threads_url('me')}/{root.id}/set_unread"
        response = call(client, "post", f"{base}/{first.id}", token)
        assert response.status_code == 200
        thread = response.json()
        assert thread["last_viewed_at"] == first.create_at - 1
        assert (thread["unread_replies"], thread["unread_mentions"]) == (2, 1)
        # From the root itself: every reply is unread.
        assert call(client, "post", f"{base}/{root.id}", token).json()["unread_replies"] == 2

    def test_set_unread_errors(self, client: Client, world: World) -> None:
        root = answered(world)
        elsewhere = answered(world, "another")
        base = f"{world.threads_url('me')}/{root.id}/set_unread"
        token = world.token(world.alice)
        assert_error(
            call(client, "post", f"{base}/{elsewhere.id}", token),
            400,
            "app.user.update_thread_read_for_user_by_post.app_error",
        )
        assert_error(call(client, "post", f"{base}/{UNKNOWN_ID}", token), 404, NO_POST)
        assert_error(call(client, "post", f"{base}/bad", token), 400, BAD_URL)
        assert_error(call(client, "post", f"{base}/{root.id}"), 401, EXPIRED)
        other = f"{world.threads_url(world.alice)}/{root.id}/set_unread/{root.id}"
        assert_error(call(client, "post", other, world.token(world.bob)), 403, FORBIDDEN)

    def test_mark_all_read(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "@alice one", root)
        url = f"{world.threads_url('me')}/read"
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", url, world.token(world.alice))
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert unread(world.alice, root) == (True, 0, 0)
        [event] = events(published, "thread_read_changed")
        assert event.data == {}
        assert (event.broadcast.user_id, event.broadcast.team_id) == (world.alice.id, world.team.id)

    def test_mark_all_read_refused(self, client: Client, world: World) -> None:
        assert_error(call(client, "put", f"{world.threads_url('me')}/read"), 401, EXPIRED)
        other = f"{world.threads_url(world.alice)}/read"
        assert_error(call(client, "put", other, world.token(world.bob)), 403, FORBIDDEN)
        outsider = make_user("dave")
        mine = f"{world.threads_url(outsider)}/read"
        assert_error(call(client, "put", mine, world.token(outsider)), 403, FORBIDDEN)
        assert_error(
            call(client, "put", "/users/me/teams/bad/threads/read", world.token(outsider)),
            400,
            BAD_URL,
        )


class TestFollowing:
    def test_follow_and_unfollow(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        root = answered(world)
        url = f"{world.threads_url('me')}/{root.id}/following"
        token = world.token(world.carol)
        with django_capture_on_commit_callbacks(execute=True):
            assert call(client, "put", url, token).json() == {"status": "OK"}
        assert unread(world.carol, root) == (True, 0, 0)
        with django_capture_on_commit_callbacks(execute=True):
            assert call(client, "delete", url, token).json() == {"status": "OK"}
        assert unread(world.carol, root)[0] is False
        follows = events(published, "thread_follow_changed")
        assert [event.data for event in follows] == [
            {"thread_id": root.id, "state": True, "reply_count": 1},
            {"thread_id": root.id, "state": False, "reply_count": 1},
        ]
        assert follows[0].broadcast.user_id == world.carol.id
        assert follows[0].broadcast.team_id == world.team.id

    def test_following_errors(self, client: Client, world: World, admin_token: str) -> None:
        root = world.say(world.alice, "plans")
        reply = world.say(world.bob, "ok", root)
        hidden = world.say(world.alice, "between us", channel=world.secret)
        base = world.threads_url("me")
        bob = world.token(world.bob)
        assert_error(call(client, "put", f"{base}/{root.id}/following"), 401, EXPIRED)
        assert_error(call(client, "put", f"{base}/nope/following", bob), 400, BAD_URL)
        assert_error(call(client, "put", f"{base}/{hidden.id}/following", bob), 403, FORBIDDEN)
        assert_error(call(client, "delete", f"{base}/{hidden.id}/following", bob), 403, FORBIDDEN)
        assert_error(call(client, "put", f"{base}/{reply.id}/following", bob), 404, NOT_FOLLOWED)
        assert_error(call(client, "put", f"{base}/{UNKNOWN_ID}/following", bob), 403, FORBIDDEN)
        unknown = f"{base}/{UNKNOWN_ID}/following"
        assert_error(call(client, "put", unknown, admin_token), 404, NO_POST)
        for_nobody = f"{world.threads_url(UNKNOWN_ID)}/{root.id}/following"
        assert_error(
            call(client, "put", for_nobody, admin_token), 404, "app.user.missing_account.const"
        )
        for_alice = f"{world.threads_url(world.alice)}/{root.id}/following"
        assert_error(call(client, "delete", for_alice, bob), 403, FORBIDDEN)
        assert call(client, "delete", for_alice, admin_token).status_code == 200
        assert unread(world.alice, root)[0] is False


class TestEvents:
    def test_a_reply_updates_every_follower(
        self,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "one", root)
        with django_capture_on_commit_callbacks(execute=True):
            reply = world.say(world.carol, "@alice two", root)
        updates = {event.broadcast.user_id: event for event in events(published, "thread_updated")}
        assert set(updates) == {world.alice.id, world.bob.id, world.carol.id}
        assert all(event.broadcast.team_id == world.team.id for event in updates.values())

        alice = updates[world.alice.id].data
        assert (alice["previous_unread_replies"], alice["previous_unread_mentions"]) == (1, 0)
        thread = event_thread(alice)
        assert list(thread) == THREAD_KEYS
        assert (thread["unread_replies"], thread["unread_mentions"]) == (2, 1)
        assert thread["reply_count"] == 2
        assert thread["last_reply_at"] == reply.create_at
        # Participants come as profiles, so clients can show them.
        assert [p["username"] for p in thread["participants"]] == ["bob", "carol"]

        bob = updates[world.bob.id].data
        assert (bob["previous_unread_replies"], bob["previous_unread_mentions"]) == (0, 0)
        assert event_thread(bob)["unread_replies"] == 1

        # Carol answered for the first time and has read it all by answering. As in
        # Mattermost, a replier is never new to the thread: her previous counts are what
        # the thread held for her before her own reply.
        carol = updates[world.carol.id].data
        assert (carol["previous_unread_replies"], carol["previous_unread_mentions"]) == (1, 0)
        carol_thread = event_thread(carol)
        assert (carol_thread["unread_replies"], carol_thread["unread_mentions"]) == (0, 0)
        assert carol_thread["last_viewed_at"] == reply.create_at

    def test_a_mentioned_newcomer_had_nothing_unread_before(
        self,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "one", root)
        with django_capture_on_commit_callbacks(execute=True):
            world.say(world.bob, "@carol two", root)
        [carol] = [
            e for e in events(published, "thread_updated") if e.broadcast.user_id == world.carol.id
        ]
        assert (carol.data["previous_unread_replies"], carol.data["previous_unread_mentions"]) == (
            0,
            0,
        )
        thread = event_thread(carol.data)
        assert (thread["unread_replies"], thread["unread_mentions"]) == (2, 1)

    def test_direct_message_threads_go_to_no_team(
        self,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        direct = direct_channel_get_or_create(user=world.alice, other_user=world.bob).channel
        root = world.say(world.alice, "psst", channel=direct)
        with django_capture_on_commit_callbacks(execute=True):
            world.say(world.bob, "?", root)
        updates = events(published, "thread_updated")
        assert {event.broadcast.user_id for event in updates} == {world.alice.id, world.bob.id}
        assert {event.broadcast.team_id for event in updates} == {""}


class TestTeamUnreads:
    def test_thread_counts_when_asked_for(self, client: Client, world: World) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "@alice one", root)
        world.say(world.bob, "@alice two", answered(world, "more"))
        direct = direct_channel_get_or_create(user=world.alice, other_user=world.bob).channel
        world.say(world.bob, "?", world.say(world.alice, "psst", channel=direct))
        token = world.token(world.alice)
        url = "/users/me/teams/unread"

        def team_counts(**query: str) -> tuple[int, int]:
            response = call(client, "get", url, token, **query)
            assert response.status_code == 200
            [team] = [t for t in response.json() if t["team_id"] == world.team.id]
            return team["thread_count"], team["thread_mention_count"]

        # Direct message threads count in no team.
        assert team_counts(include_collapsed_threads="true") == (2, 2)
        assert team_counts() == (0, 0)
        call(client, "put", f"{world.threads_url('me')}/read", token)
        assert team_counts(include_collapsed_threads="true") == (0, 0)
