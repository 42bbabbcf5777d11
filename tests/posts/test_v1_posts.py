"""API v1 posts: creating and editing, a channel's pages, changes since a time, the posts
around one, threads, and deleting."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.channels.services import channel_create, channel_member_add
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.teams.models import Team
from tests.helpers import forget_join_notices
from tests.v1_fixtures import V1Api, assert_v1_error, assert_v1_not_found_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev(alpha: Team, user: User, other_user: User) -> Channel:
    """An open channel of alpha with alice and bob in it, and no posts yet."""
    channel = channel_create(team=alpha, creator=user, name="dev", display_name="Dev", type="O")
    channel_member_add(channel=channel, user=other_user)
    forget_join_notices(alpha)
    return channel


@pytest.fixture
def thread(dev: Channel, user: User, other_user: User) -> tuple[Post, Post]:
    root = post_create(author=user, channel=dev, message="root")
    reply = post_create(author=other_user, channel=dev, message="reply", root_id=root.id)
    root.refresh_from_db()
    return root, reply


def create(api: V1Api, channel_id: str, **body: object):  # type: ignore[no-untyped-def]
    return api.post(f"channels/{channel_id}/create", {"channel_id": channel_id, **body})


class TestCreate:
    def test_a_post_and_its_pending_id(self, v1: V1Api, dev: Channel, user: User) -> None:
        response = create(
            v1, dev.id, message="hello #world", pending_post_id=f"{user.id}:1", filenames=["/x"]
        )
        body = response.json()
        assert (body["message"], body["hashtags"], body["user_id"]) == (
            "hello #world",
            "#world",
            user.id,
        )
        assert (body["pending_post_id"], body["filenames"], body["parent_id"]) == (
            f"{user.id}:1",
            [],
            "",
        )
        assert Post.objects.get(pk=body["id"]).channel_id == dev.id

    def test_the_body_channel_wins_over_the_url(self, v1: V1Api, dev: Channel, alpha: Team) -> None:
        square = Channel.objects.get(team=alpha, name="town-square")
        response = v1.post(f"channels/{square.id}/create", {"channel_id": dev.id, "message": "m"})
        assert response.json()["channel_id"] == dev.id
        # Without one in the body, the URL's channel is used (1.x refused with 403).
        response = v1.post(f"channels/{square.id}/create", {"message": "m"})
        assert response.json()["channel_id"] == square.id

    def test_a_reply(self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]) -> None:
        root, _ = thread
        body = create(v1, dev.id, message="again", root_id=root.id, parent_id=root.id).json()
        assert (body["root_id"], body["parent_id"]) == (root.id, root.id)

    def test_refusals(
        self, v1: V1Api, v1_bob: V1Api, dev: Channel, alpha: Team, user: User
    ) -> None:
        assert_v1_error(
            create(v1, dev.id, message="m", root_id="bad"),
            400,
            "The parameter 'RootId' is missing or not valid.",
        )
        assert_v1_error(create(v1, dev.id, message="m", root_id="z" * 26), 400)
        assert_v1_error(create(v1, dev.id, message="m", type="system_join_leave"), 400)
        assert_v1_error(create(v1, dev.id, message="x" * 20000), 500)
        secret = channel_create(team=alpha, creator=user, name="secret", display_name="S", type="P")
        assert_v1_error(create(v1_bob, secret.id, message="m"), 403)
        assert_v1_error(v1.post(f"channels/{dev.id}/create", ["x"]), 400)

    def test_needs_a_session(self, v1_anon: V1Api, dev: Channel) -> None:
        assert_v1_error(create(v1_anon, dev.id, message="m"), 401)


class TestUpdate:
    def test_the_author_edits(self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]) -> None:
        root, _ = thread
        body = v1.post(
            f"channels/{dev.id}/update", {"id": root.id, "channel_id": dev.id, "message": "#new"}
        ).json()
        assert (body["id"], body["message"], body["hashtags"]) == (root.id, "#new", "#new")
        assert body["update_at"] > root.update_at

    def test_refusals(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post], alpha: Team
    ) -> None:
        root, reply = thread
        update = f"channels/{dev.id}/update"
        assert_v1_error(
            v1.post(update, {"id": reply.id, "channel_id": dev.id, "message": "x"}), 403
        )
        assert_v1_error(
            v1.post(update, {"id": "z" * 26, "channel_id": dev.id, "message": "x"}),
            400,
            "No such post to edit.",
        )
        square = Channel.objects.get(team=alpha, name="town-square")
        assert_v1_error(
            v1.post(update, {"id": root.id, "channel_id": square.id, "message": "x"}), 400
        )
        assert_v1_error(v1.post(update, {"id": root.id, "message": "x"}), 400)


class TestPages:
    def test_newest_first_with_the_threads_of_replies(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]
    ) -> None:
        root, reply = thread
        latest = post_create(author=root.user, channel=dev, message="latest")
        response = v1.get(f"channels/{dev.id}/posts/0/2")
        body = response.json()
        assert body["order"] == [latest.id, reply.id]
        assert set(body["posts"]) == {latest.id, reply.id, root.id}
        assert v1.get(f"channels/{dev.id}/posts/1/1").json()["order"] == [reply.id]
        assert v1.get(f"channels/{dev.id}/posts/2/60").json()["order"] == [root.id]
        assert (
            v1.get(f"channels/{dev.id}/posts/0/2", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
            == 304
        )

    def test_page_refusals(
        self,
        v1: V1Api,
        v1_anon: V1Api,
        dev: Channel,
        alpha: Team,
        user: User,
        other_user: User,
        v1_bob: V1Api,
    ) -> None:
        assert_v1_error(v1.get(f"channels/{dev.id}/posts/0/1001"), 500)
        secret = channel_create(team=alpha, creator=user, name="secret", display_name="S", type="P")
        assert_v1_error(v1_bob.get(f"channels/{secret.id}/posts/0/60"), 403)
        assert_v1_error(v1_anon.get(f"channels/{dev.id}/posts/0/60"), 401)
        assert_v1_not_found_page(v1.get(f"channels/{dev.id}/posts/0/-1"))

    def test_query_budget(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post], django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        v1.get(f"channels/{dev.id}/posts/0/60")
        with django_assert_max_num_queries(6) as few:
            v1.get(f"channels/{dev.id}/posts/0/60")
        root, _ = thread
        for n in range(5):
            post_create(author=root.user, channel=dev, message=f"m{n}")
            post_create(author=root.user, channel=dev, message=f"r{n}", root_id=root.id)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(v1.get(f"channels/{dev.id}/posts/0/60").json()["order"]) == 12

    def test_since_includes_changes_and_deletions(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]
    ) -> None:
        root, reply = thread
        v1.post(
            f"channels/{dev.id}/update", {"id": root.id, "channel_id": dev.id, "message": "edited"}
        )
        v1.post(f"channels/{dev.id}/post/{reply.id}/delete")
        body = v1.get(f"channels/{dev.id}/posts/{root.create_at}").json()
        assert body["order"] == [reply.id, root.id]  # the edit's earlier version is not listed
        assert body["posts"][reply.id]["delete_at"] > 0
        assert body["posts"][root.id]["message"] == "edited"
        assert v1.get(f"channels/{dev.id}/posts/{2**70}").json() == {"order": [], "posts": {}}

    @pytest.mark.parametrize(
        "route",
        [
            "posts/0/60",
            "posts/1",
            "post/{root}",
            "post/{root}/after/0/60",
            "post/{last}/before/0/60",
        ],
    )
    def test_query_budget_of_every_list(
        self,
        v1: V1Api,
        dev: Channel,
        thread: tuple[Post, Post],
        route: str,
        django_assert_max_num_queries,
    ) -> None:  # type: ignore[no-untyped-def]
        root, _ = thread
        last = post_create(author=root.user, channel=dev, message="last")
        path = f"channels/{dev.id}/" + route.format(root=root.id, last=last.id)
        v1.get(path)
        with django_assert_max_num_queries(7) as few:
            v1.get(path)
        for n in range(4):
            post_create(
                author=root.user,
                channel=dev,
                message=f"r{n}",
                root_id=root.id,
                create_at=last.create_at - 1,
            )
            post_create(
                author=root.user, channel=dev, message=f"m{n}", create_at=last.create_at - 1
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert v1.get(path).status_code == 200

    def test_before_and_after(self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]) -> None:
        root, reply = thread
        latest = post_create(author=root.user, channel=dev, message="latest")
        before = v1.get(f"channels/{dev.id}/post/{latest.id}/before/0/10").json()
        assert before["order"] == [reply.id, root.id]
        assert v1.get(f"channels/{dev.id}/post/{latest.id}/before/1/10").json()["order"] == [
            root.id
        ]
        response = v1.get(f"channels/{dev.id}/post/{root.id}/after/0/10")
        assert (
            v1.get(
                f"channels/{dev.id}/post/{root.id}/after/0/10", HTTP_IF_NONE_MATCH=response["ETag"]
            ).status_code
            == 304
        )
        after = response.json()
        assert after["order"] == [latest.id, reply.id]
        assert set(after["posts"]) == {latest.id, reply.id, root.id}
        assert_v1_error(
            v1.get(f"channels/{dev.id}/post/{root.id}/after/0/0"),
            400,
            "The parameter 'numPosts' is missing or not valid.",
        )
        assert_v1_error(
            v1.get(f"channels/{dev.id}/post/bad/after/0/1"),
            400,
            "The parameter 'postId' is missing or not valid.",
        )


class TestThreads:
    def test_a_post_in_its_channel_with_its_thread(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]
    ) -> None:
        root, reply = thread
        response = v1.get(f"channels/{dev.id}/post/{root.id}")
        body = response.json()
        assert (body["order"], set(body["posts"])) == ([root.id], {root.id, reply.id})
        assert (
            v1.get(
                f"channels/{dev.id}/post/{root.id}", HTTP_IF_NONE_MATCH=response["ETag"]
            ).status_code
            == 304
        )

    def test_a_post_by_id(self, v1: V1Api, thread: tuple[Post, Post]) -> None:
        root, reply = thread
        body = v1.get(f"posts/{reply.id}").json()
        assert (body["order"], set(body["posts"])) == ([reply.id], {root.id, reply.id})
        assert body["posts"][reply.id]["parent_id"] == root.id

    def test_refusals(
        self,
        v1: V1Api,
        v1_bob: V1Api,
        dev: Channel,
        alpha: Team,
        user: User,
        thread: tuple[Post, Post],
    ) -> None:
        root, _ = thread
        square = Channel.objects.get(team=alpha, name="town-square")
        assert_v1_error(v1.get(f"channels/{square.id}/post/{root.id}"), 403)
        assert_v1_error(v1.get(f"posts/{'z' * 26}"), 500)
        secret = channel_create(team=alpha, creator=user, name="secret", display_name="S", type="P")
        hidden = post_create(author=user, channel=secret, message="s")
        assert_v1_error(v1_bob.get(f"posts/{hidden.id}"), 403)


class TestDelete:
    def test_the_author_deletes_a_thread(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]
    ) -> None:
        root, reply = thread
        assert v1.post(f"channels/{dev.id}/post/{root.id}/delete").json() == {"id": root.id}
        assert Post.objects.filter(pk__in=[root.id, reply.id], delete_at=0).count() == 0

    def test_team_admins_delete_others_posts(
        self, v1: V1Api, dev: Channel, thread: tuple[Post, Post]
    ) -> None:
        _, reply = thread
        assert v1.post(f"channels/{dev.id}/post/{reply.id}/delete").json() == {"id": reply.id}

    def test_refusals(
        self, v1_bob: V1Api, v1: V1Api, dev: Channel, alpha: Team, thread: tuple[Post, Post]
    ) -> None:
        root, reply = thread
        assert_v1_error(v1_bob.post(f"channels/{dev.id}/post/{root.id}/delete"), 403)
        square = Channel.objects.get(team=alpha, name="town-square")
        assert_v1_error(v1.post(f"channels/{square.id}/post/{root.id}/delete"), 403)
        assert_v1_error(
            v1.post(f"channels/{dev.id}/post/{'z' * 26}/delete"),
            400,
            "The parameter 'postId' is missing or not valid.",
        )
        v1.post(f"channels/{dev.id}/post/{reply.id}/delete")
        assert_v1_error(v1.post(f"channels/{dev.id}/post/{reply.id}/delete"), 400)
