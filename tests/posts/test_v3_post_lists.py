"""API v3 post reads: channel pages by offset, since a time, before and after a post,
threads (in a channel, in the team, as a permalink), pinned and flagged posts."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import Preference
from apps.channels.models import ChannelMember
from apps.channels.services import channel_create
from apps.core.config import SERVER_VERSION
from apps.posts.models import Post
from apps.posts.services import post_create, post_delete, post_set_pinned
from tests.channels.v3_setup import (
    FORBIDDEN,
    INVALID_PARAM,
    MISSING_CHANNEL,
    MISSING_POST,
    NO_SESSION,
    UNKNOWN_ID,
    V3World,
    queries_of,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db
T0 = 1_700_000_000_000


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"order", "posts"}
    return body


class History:
    """dev's posts, oldest first: r1, r2, c1 (a reply to r1), r3, r4 (deleted), c2 (another
    reply to r1), r5."""

    def __init__(self, v3: V3World) -> None:
        def say(name: str, at: int, root: Post | None = None) -> None:
            author = v3.bob if at % 2 else v3.alice
            post = post_create(
                author=author,
                channel=v3.dev,
                message=name,
                root_id=root.id if root else "",
                create_at=T0 + at,
            )
            setattr(self, name, post)

        say("r1", 1)
        say("r2", 2)
        say("c1", 3, self.r1)
        say("r3", 4)
        say("r4", 5)
        say("c2", 6, self.r1)
        say("r5", 7)
        post_delete(post=self.r4, deleter=v3.alice)

    r1: Post
    r2: Post
    c1: Post
    r3: Post
    r4: Post
    c2: Post
    r5: Post

    def ids(self, names: str) -> list[str]:
        return [getattr(self, name).id for name in names.split()]


@pytest.fixture
def history(v3: V3World) -> History:
    return History(v3)


def posts_of(v3: V3World) -> str:
    return f"{v3.of(v3.dev)}/posts"


class TestPage:
    def test_newest_first_with_the_threads_of_replies(self, v3: V3World, history: History) -> None:
        page = ok(v3.api("bob").get(f"{posts_of(v3)}/page/0/60"))
        assert page["order"] == history.ids("r5 c2 r3 c1 r2 r1")
        short = ok(v3.api("bob").get(f"{posts_of(v3)}/page/0/2"))
        assert short["order"] == history.ids("r5 c2")
        assert set(short["posts"]) == set(history.ids("r5 c2 r1 c1"))

    def test_the_offset_counts_posts(self, v3: V3World, history: History) -> None:
        page = ok(v3.api("bob").get(f"{posts_of(v3)}/page/2/2"))
        assert page["order"] == history.ids("r3 c1")
        assert ok(v3.api("bob").get(f"{posts_of(v3)}/page/6/2"))["order"] == []

    def test_etag_is_the_latest_change(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        response = api.get(f"{posts_of(v3)}/page/0/60")
        latest = max(Post.objects.filter(channel=v3.dev).values_list("update_at", flat=True))
        assert response["ETag"] == f"{SERVER_VERSION}.{latest}"
        again = api.get(f"{posts_of(v3)}/page/0/60", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        post_create(author=v3.bob, channel=v3.dev, message="new")
        fresh = api.get(f"{posts_of(v3)}/page/0/60", HTTP_IF_NONE_MATCH=response["ETag"])
        assert fresh.status_code == 200

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.of(v3.secret)}/posts/page/0/60"), 403, FORBIDDEN)
        assert_error(api.get(f"{v3.channels}/short/posts/page/0/60"), 400, INVALID_PARAM)
        assert_error(api.get(f"{posts_of(v3)}/page/{'9' * 20}/60"), 400, INVALID_PARAM)
        admin = v3.api("dana").get(f"/teams/{v3.team.id}/channels/{UNKNOWN_ID}/posts/page/0/6")
        assert_error(admin, 404, MISSING_CHANNEL)
        assert_error(v3.api(None).get(f"{posts_of(v3)}/page/0/60"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{posts_of(v3)}/page/0/60"), 403, FORBIDDEN)

    def test_costs_the_same_for_1_post_as_for_60(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        root = post_create(author=v3.alice, channel=v3.dev, message="root")
        post_create(author=v3.alice, channel=v3.dev, message="reply", root_id=root.id)
        api.get(f"{posts_of(v3)}/page/0/1")
        # One post in the order (a reply, so its thread is fetched too) ...
        budget = queries_of(lambda: api.get(f"{posts_of(v3)}/page/0/1"))
        for n in range(58):
            post_create(
                author=v3.alice, channel=v3.dev, message=f"m{n}", root_id=root.id if n % 3 else ""
            )
        # ... costs what sixty do.
        with django_assert_max_num_queries(budget):
            assert len(ok(api.get(f"{posts_of(v3)}/page/0/60"))["order"]) == 60


class TestSince:
    def test_everything_changed_since_with_roots(self, v3: V3World, history: History) -> None:
        page = ok(v3.api("bob").get(f"{posts_of(v3)}/since/{T0 + 5}"))
        # r1 changed with its new reply; r4 was deleted.
        assert page["order"] == history.ids("r5 c2 r4 r1")
        assert page["posts"][history.r4.id]["delete_at"] > 0
        assert ok(v3.api("bob").get(f"{posts_of(v3)}/since/{T0 * 2}"))["order"] == []

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.of(v3.secret)}/posts/since/0"), 403, FORBIDDEN)
        assert api.get(f"{posts_of(v3)}/since/-1").status_code == 404
        assert_error(v3.api(None).get(f"{posts_of(v3)}/since/0"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{posts_of(v3)}/since/0"), 403, FORBIDDEN)

    def test_costs_the_same_for_2_posts_as_for_60(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        root = post_create(author=v3.alice, channel=v3.dev, message="root")
        post_create(author=v3.alice, channel=v3.dev, message="reply", root_id=root.id)
        api.get(f"{posts_of(v3)}/since/0")
        budget = queries_of(lambda: api.get(f"{posts_of(v3)}/since/0"))
        for n in range(58):
            post_create(
                author=v3.alice, channel=v3.dev, message=f"m{n}", root_id=root.id if n % 3 else ""
            )
        with django_assert_max_num_queries(budget):
            assert len(ok(api.get(f"{posts_of(v3)}/since/0"))["order"]) == 60


class TestBeforeAndAfter:
    def test_before_and_after_a_post(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        pivot = f"{posts_of(v3)}/{history.r3.id}"
        before = ok(api.get(f"{pivot}/before/0/2"))
        assert before["order"] == history.ids("c1 r2")
        assert set(before["posts"]) == set(history.ids("c1 r2 r1 c2"))
        assert ok(api.get(f"{pivot}/before/1/1"))["order"] == history.ids("r2")
        after = ok(api.get(f"{pivot}/after/0/2"))
        assert after["order"] == history.ids("r5 c2")
        assert set(after["posts"]) == set(history.ids("r5 c2 r1 c1"))

    def test_a_root_in_the_page_comes_without_its_replies(
        self, v3: V3World, history: History
    ) -> None:
        # As 4.10 did: only the threads of the page's replies come along (v4 brings the
        # threads of its roots too).
        body = ok(v3.api("bob").get(f"{posts_of(v3)}/{history.r2.id}/before/0/1"))
        assert body["order"] == history.ids("r1")
        assert set(body["posts"]) == set(history.ids("r1"))

    def test_the_channel_etag(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        page = api.get(f"{posts_of(v3)}/page/0/60")
        path = f"{posts_of(v3)}/{history.r3.id}/after/0/2"
        response = api.get(path)
        assert response["ETag"] == page["ETag"]
        assert api.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_errors(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        pivot = f"{posts_of(v3)}/{history.r3.id}"
        assert_error(api.get(f"{pivot}/before/0/0"), 400, INVALID_PARAM)
        assert_error(api.get(f"{posts_of(v3)}/short/before/0/2"), 400, INVALID_PARAM)
        secret = f"{v3.of(v3.secret)}/posts/{history.r3.id}/after/0/2"
        assert_error(api.get(secret), 403, FORBIDDEN)
        assert ok(api.get(f"{posts_of(v3)}/{UNKNOWN_ID}/before/0/2"))["order"] == []
        assert_error(v3.api(None).get(f"{pivot}/before/0/2"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{pivot}/before/0/2"), 403, FORBIDDEN)


class TestThreads:
    def test_a_thread_is_ordered_by_the_requested_post(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        response = api.get(f"{posts_of(v3)}/{history.c1.id}/get")
        thread = ok(response)
        assert thread["order"] == history.ids("c1")
        assert set(thread["posts"]) == set(history.ids("r1 c1 c2"))
        again = api.get(f"{posts_of(v3)}/{history.c1.id}/get", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_thread_errors(self, v3: V3World, history: History) -> None:
        api = v3.api("bob")
        elsewhere = api.get(f"{v3.of(v3.square)}/posts/{history.c1.id}/get")
        assert_error(elsewhere, 403, "api.post.get_post.permissions.app_error")
        assert_error(api.get(f"{posts_of(v3)}/{history.r4.id}/get"), 404, MISSING_POST)
        assert_error(api.get(f"{v3.of(v3.secret)}/posts/{history.c1.id}/get"), 403, FORBIDDEN)
        assert_error(v3.api(None).get(f"{posts_of(v3)}/{history.c1.id}/get"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{posts_of(v3)}/{history.c1.id}/get"), 403, FORBIDDEN)

    def test_a_thread_by_team_and_post(self, v3: V3World, history: History) -> None:
        path = f"/teams/{v3.team.id}/posts/{history.c2.id}"
        response = v3.api("bob").get(path)
        thread = ok(response)
        assert thread["order"] == history.ids("c2")
        assert set(thread["posts"]) == set(history.ids("r1 c1 c2"))
        thread_posts = Post.objects.filter(pk__in=history.ids("r1 c1 c2"))
        latest = max(thread_posts, key=lambda post: (post.update_at, post.id))
        assert (
            response["ETag"] == f"{SERVER_VERSION}.{history.c2.id}.{latest.id}.{latest.update_at}"
        )
        assert v3.api("bob").get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_team_thread_errors(self, v3: V3World, history: History) -> None:
        secret = post_create(author=v3.alice, channel=v3.secret, message="s")
        team = f"/teams/{v3.team.id}/posts"
        assert_error(v3.api("bob").get(f"{team}/{secret.id}"), 403, FORBIDDEN)
        assert_error(v3.api("bob").get(f"{team}/{UNKNOWN_ID}"), 404, MISSING_POST)
        assert_error(v3.api("bob").get(f"{team}/short"), 400, INVALID_PARAM)
        assert_error(v3.api(None).get(f"{team}/{history.r1.id}"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{team}/{history.r1.id}"), 403, FORBIDDEN)

    def test_a_permalink_joins_the_public_channel(self, v3: V3World) -> None:
        news = channel_create(
            team=v3.team, creator=v3.alice, name="news", display_name="N", type="O"
        )
        post = post_create(author=v3.alice, channel=news, message="see this")
        thread = ok(v3.api("bob").get(f"/teams/{v3.team.id}/pltmp/{post.id}"))
        assert thread["order"] == [post.id]
        assert ChannelMember.objects.filter(channel=news, user=v3.bob).exists()

    def test_permalink_errors(self, v3: V3World) -> None:
        secret = post_create(author=v3.alice, channel=v3.secret, message="s")
        path = f"/teams/{v3.team.id}/pltmp"
        assert_error(v3.api("bob").get(f"{path}/{secret.id}"), 403, FORBIDDEN)
        assert_error(v3.api("bob").get(f"{path}/{UNKNOWN_ID}"), 400, INVALID_PARAM)
        gone = post_create(author=v3.alice, channel=v3.dev, message="gone")
        post_delete(post=gone, deleter=v3.alice)
        assert_error(v3.api("bob").get(f"{path}/{gone.id}"), 404, MISSING_POST)
        assert_error(v3.api(None).get(f"{path}/{secret.id}"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{path}/{secret.id}"), 403, FORBIDDEN)


class TestPinnedAndFlagged:
    def test_pinned_posts_oldest_first(self, v3: V3World, history: History) -> None:
        for post in (history.r3, history.r2):
            post_set_pinned(post=post, pinned=True)
        pinned = ok(v3.api("bob").get(f"{v3.of(v3.dev)}/pinned"))
        assert pinned["order"] == history.ids("r2 r3")
        assert all(post["is_pinned"] for post in pinned["posts"].values())

    def test_pinned_errors(self, v3: V3World) -> None:
        assert_error(v3.api("bob").get(f"{v3.of(v3.secret)}/pinned"), 403, FORBIDDEN)
        assert_error(v3.api(None).get(f"{v3.of(v3.dev)}/pinned"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.of(v3.dev)}/pinned"), 403, FORBIDDEN)

    def test_pinned_costs_the_same_for_1_post_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        post_set_pinned(post=post_create(author=v3.bob, channel=v3.dev, message="p"), pinned=True)
        budget = queries_of(lambda: api.get(f"{v3.of(v3.dev)}/pinned"))
        for n in range(29):
            post_set_pinned(
                post=post_create(author=v3.bob, channel=v3.dev, message=f"{n}"), pinned=True
            )
        with django_assert_max_num_queries(budget):
            assert len(ok(api.get(f"{v3.of(v3.dev)}/pinned"))["order"]) == 30

    def flag(self, v3: V3World, *posts: Post) -> None:
        for post in posts:
            Preference.objects.create(
                user=v3.bob, category="flagged_post", name=post.id, value="true"
            )

    def test_flagged_posts_newest_first_that_i_may_read(
        self, v3: V3World, history: History
    ) -> None:
        secret = post_create(author=v3.alice, channel=v3.secret, message="s", create_at=T0)
        self.flag(v3, history.r1, history.r3, secret)
        path = f"/teams/{v3.team.id}/posts/flagged"
        assert ok(v3.api("bob").get(f"{path}/0/10"))["order"] == history.ids("r3 r1")
        assert ok(v3.api("bob").get(f"{path}/1/1"))["order"] == history.ids("r1")

    def test_flagged_errors(self, v3: V3World) -> None:
        path = f"/teams/{v3.team.id}/posts/flagged/0/10"
        assert_error(v3.api(None).get(path), 401, NO_SESSION)
        assert_error(v3.api("carol").get(path), 403, FORBIDDEN)
        assert_error(
            v3.api("bob").get(f"/teams/{v3.team.id}/posts/flagged/0/{'9' * 20}"), 400, INVALID_PARAM
        )

    def test_flagged_costs_the_same_for_1_post_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        path = f"/teams/{v3.team.id}/posts/flagged/0/60"
        self.flag(v3, post_create(author=v3.bob, channel=v3.dev, message="f"))
        budget = queries_of(lambda: api.get(path))
        self.flag(
            v3, *(post_create(author=v3.bob, channel=v3.square, message=f"{n}") for n in range(29))
        )
        with django_assert_max_num_queries(budget):
            assert len(ok(api.get(path))["order"]) == 30
