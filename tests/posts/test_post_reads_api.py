"""Reading posts over API v4: channel pages in every mode, single posts, posts by ids,
threads, the posts around the first unread one, and "mark as unread"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import Session, User
from apps.accounts.services import user_create
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import channel_create
from apps.core.events import Event
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer, forget_join_notices

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
MISSING_POST = "app.post.get.app_error"
MISSING_CHANNEL = "app.channel.get.existing.app_error"
UNKNOWN_ID = "q" * 26
T0 = 1_700_000_000_000
LIST_KEYS = {"order", "posts", "next_post_id", "prev_post_id", "first_inaccessible_post_time"}


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    forget_join_notices(team)
    return team


@pytest.fixture
def square(team: Team) -> Channel:
    return Channel.objects.get(team=team, name="town-square")


@pytest.fixture
def secret(team: Team, user: User) -> Channel:
    return channel_create(team=team, creator=user, name="secret", display_name="S", type="P")


@pytest.fixture
def outsider(db: None) -> User:
    return user_create(
        username="eve", email="eve@example.com", password="passw0rd!", roles="system_user"
    )


@pytest.fixture
def api(client: Client, token: str) -> Callable[..., Any]:
    def call(method: str, url: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {**bearer(token), **headers}
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = "application/json"
        return getattr(client, method)(f"/api/v4{url}", **kwargs)

    return call


def say(author: User, channel: Channel, message: str, at: int, root: Post | None = None) -> Post:
    return post_create(
        author=author,
        channel=channel,
        message=message,
        root_id=root.id if root else "",
        create_at=at,
    )


class History:
    """A channel history, oldest first: r1, r2, a reply to r1, r3 (edited), r4 (deleted),
    another reply to r1, r5."""

    def __init__(self, user: User, other: User, channel: Channel) -> None:
        self.r1 = say(user, channel, "first", T0 + 1)
        self.r2 = say(other, channel, "second", T0 + 2)
        self.c1 = say(other, channel, "reply one", T0 + 3, root=self.r1)
        self.r3 = say(user, channel, "third", T0 + 4)
        self.r4 = say(user, channel, "fourth", T0 + 5)
        self.c2 = say(user, channel, "reply two", T0 + 6, root=self.r1)
        self.r5 = say(other, channel, "fifth", T0 + 7)
        Post.objects.filter(pk=self.r3.pk).update(
            message="third (edited)", edit_at=T0 + 100, update_at=T0 + 100
        )
        Post.objects.filter(pk=self.r4.pk).update(delete_at=T0 + 101, update_at=T0 + 101)
        for post in (self.r1, self.r3, self.r4):
            post.refresh_from_db()

    def ids(self, *names: str) -> list[str]:
        return [getattr(self, name).id for name in names]


@pytest.fixture
def history(user: User, other_user: User, square: Channel) -> History:
    return History(user, other_user, square)


def get_list(api: Callable[..., Any], channel: Channel, query: str = "") -> dict[str, Any]:
    response = api("get", f"/channels/{channel.id}/posts?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert set(body) >= LIST_KEYS
    assert body["first_inaccessible_post_time"] == 0
    return body


# GET /channels/{channel_id}/posts


def test_default_page_lists_newest_first_with_threads(
    api: Callable[..., Any], history: History, square: Channel
) -> None:
    body = get_list(api, square)
    assert body["order"] == history.ids("r5", "c2", "r3", "c1", "r2", "r1")
    assert set(body["posts"]) == set(body["order"])
    assert "has_next" not in body
    assert (body["next_post_id"], body["prev_post_id"]) == ("", "")
    r1 = body["posts"][history.r1.id]
    assert r1["reply_count"] == 2
    assert r1["participants"] is None
    assert body["posts"][history.c1.id]["reply_count"] == 2  # the thread's count
    assert body["posts"][history.r3.id]["message"] == "third (edited)"
    assert body["posts"][history.r3.id]["edit_at"] == T0 + 100


@pytest.mark.parametrize(
    ("query", "order", "extra", "next_name", "prev_name"),
    [
        # page / per_page: the replies' roots (and the rest of their threads) come along
        ("per_page=2", ["r5", "c2"], ["r1", "c1"], "", "r3"),
        ("per_page=2&page=1", ["r3", "c1"], ["r1", "c2"], "c2", "r2"),
        ("per_page=2&page=1&skipFetchThreads=true", ["r3", "c1"], ["r1"], "c2", "r2"),
        ("per_page=2&page=3", [], [], "", ""),
        ("per_page=0", [], [], "", ""),
        # roots only
        ("collapsedThreads=true", ["r5", "r3", "r2", "r1"], [], "", ""),
        ("collapsedThreads=true&per_page=1&page=1", ["r3"], [], "r5", "r2"),
    ],
)
def test_paging_table(
    api: Callable[..., Any],
    history: History,
    square: Channel,
    query: str,
    order: list[str],
    extra: list[str],
    next_name: str,
    prev_name: str,
) -> None:
    body = get_list(api, square, query)
    assert body["order"] == history.ids(*order)
    assert set(body["posts"]) == set(history.ids(*order, *extra))
    assert body["next_post_id"] == (getattr(history, next_name).id if next_name else "")
    assert body["prev_post_id"] == (getattr(history, prev_name).id if prev_name else "")


@pytest.mark.parametrize(
    ("query", "order", "extra", "next_name", "prev_name"),
    [
        # page 0: the cursor back toward the pivot is the pivot itself
        ("before={r3}&per_page=2", ["c1", "r2"], ["r1", "c2"], "r3", "r1"),
        ("before={r3}&per_page=2&page=1", ["r1"], ["c1", "c2"], "r2", ""),
        ("before={r3}&per_page=5", ["c1", "r2", "r1"], ["c2"], "r3", ""),
        ("after={r2}&per_page=2", ["r3", "c1"], ["r1", "c2"], "c2", "r2"),
        ("after={r2}&per_page=2&page=1", ["r5", "c2"], ["r1", "c1"], "", "r3"),
        ("after={r2}&per_page=9", ["r5", "c2", "r3", "c1"], ["r1"], "", "r2"),
        ("after={r2}&per_page=9&skipFetchThreads=true", ["r5", "c2", "r3", "c1"], ["r1"], "", "r2"),
        ("before={r5}&per_page=2&collapsedThreads=true", ["r3", "r2"], [], "r5", "r1"),
    ],
)
def test_before_and_after(
    api: Callable[..., Any],
    history: History,
    square: Channel,
    query: str,
    order: list[str],
    extra: list[str],
    next_name: str,
    prev_name: str,
) -> None:
    ids = {name: getattr(history, name).id for name in ("r2", "r3", "r5")}
    body = get_list(api, square, query.format(**ids))
    assert body["order"] == history.ids(*order)
    assert set(body["posts"]) >= set(history.ids(*order, *extra))
    assert body["next_post_id"] == (getattr(history, next_name).id if next_name else "")
    assert body["prev_post_id"] == (getattr(history, prev_name).id if prev_name else "")


def test_since_lists_changes_including_edits_and_deletions(
    api: Callable[..., Any], history: History, square: Channel
) -> None:
    body = get_list(api, square, f"since={T0 + 5}")
    # c2 and r5 were created after, r3 was edited, r4 deleted; r1 changed with its replies
    assert body["order"] == history.ids("r5", "c2", "r4", "r3", "r1")
    assert body["posts"][history.r4.id]["delete_at"] == T0 + 101
    assert (body["next_post_id"], body["prev_post_id"]) == ("", "")
    later = get_list(api, square, f"since={T0 + 99}")
    assert later["order"] == history.ids("r4", "r3")
    # a changed reply brings its root, which is not itself listed as changed
    Post.objects.filter(pk=history.c1.pk).update(update_at=T0 + 200)
    replies = get_list(api, square, f"since={T0 + 150}")
    assert replies["order"] == history.ids("c1")
    assert set(replies["posts"]) == set(history.ids("c1", "r1"))
    response = api("get", f"/channels/{square.id}/posts?since={T0 + 99}")
    assert "ETag" not in response


def test_include_deleted_is_for_system_admins(
    api: Callable[..., Any],
    history: History,
    square: Channel,
    admin: User,
    login: Callable[..., tuple[Session, str]],
    client: Client,
) -> None:
    denied = api("get", f"/channels/{square.id}/posts?include_deleted=true")
    assert_error(denied, 403, FORBIDDEN)
    admin_token = login(admin)[1]
    response = client.get(
        f"/api/v4/channels/{square.id}/posts?include_deleted=true", **bearer(admin_token)
    )
    assert response.status_code == 200
    order = response.json()["order"]
    assert order == history.ids("r5", "c2", "r4", "r3", "c1", "r2", "r1")
    plain = client.get(f"/api/v4/channels/{square.id}/posts", **bearer(admin_token))
    assert history.r4.id not in plain.json()["order"]


def test_per_page_is_clamped_to_200(api: Callable[..., Any], user: User, square: Channel) -> None:
    Post.objects.bulk_create(
        Post(user=user, channel=square, message=f"m{i}", create_at=T0 + i, update_at=T0 + i)
        for i in range(205)
    )
    assert len(get_list(api, square, "per_page=201")["order"]) == 200
    assert len(get_list(api, square)["order"]) == 60
    assert len(get_list(api, square, "per_page=-3")["order"]) == 60


def test_channel_list_etag(
    api: Callable[..., Any], history: History, square: Channel, user: User
) -> None:
    first = api("get", f"/channels/{square.id}/posts")
    etag = first["ETag"]
    assert etag.endswith(f".{T0 + 101}")  # r4's deletion is the latest change
    again = api("get", f"/channels/{square.id}/posts", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert api("get", f"/channels/{square.id}/posts?before={history.r5.id}")["ETag"] == etag
    say(user, square, "news", T0 + 500)
    changed = api("get", f"/channels/{square.id}/posts", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    collapsed = api("get", f"/channels/{square.id}/posts?collapsedThreads=true")
    assert collapsed["ETag"].endswith(f".{T0 + 500}")


def test_channel_list_errors(
    api: Callable[..., Any],
    client: Client,
    square: Channel,
    secret: Channel,
    outsider: User,
    login: Callable[..., tuple[Session, str]],
    team: Team,
) -> None:
    assert_error(api("get", "/channels/nope/posts"), 400, URL_ERROR)
    assert_error(api("get", f"/channels/{square.id}/posts?before=bad"), 400, BODY_ERROR)
    assert_error(api("get", f"/channels/{square.id}/posts?after=bad"), 400, BODY_ERROR)
    assert_error(api("get", f"/channels/{square.id}/posts?since=soon"), 400, BODY_ERROR)
    assert_error(api("get", f"/channels/{UNKNOWN_ID}/posts"), 404, MISSING_CHANNEL)
    assert_error(client.get(f"/api/v4/channels/{square.id}/posts"), 401, NO_SESSION)
    eve = bearer(login(outsider)[1])
    assert_error(client.get(f"/api/v4/channels/{square.id}/posts", **eve), 403, FORBIDDEN)
    team_member_add(team=team, user=outsider)
    # a team member reads public channels they have not joined, not private ones
    assert client.get(f"/api/v4/channels/{square.id}/posts", **eve).status_code == 200
    ChannelMember.objects.filter(channel=square, user=outsider).delete()
    assert client.get(f"/api/v4/channels/{square.id}/posts", **eve).status_code == 200
    assert_error(client.get(f"/api/v4/channels/{secret.id}/posts", **eve), 403, FORBIDDEN)


def test_channel_page_costs_the_same_for_1_or_200_posts(
    api: Callable[..., Any],
    user: User,
    other_user: User,
    square: Channel,
    django_assert_max_num_queries: Any,
) -> None:
    root = say(user, square, "root", T0)
    say(other_user, square, "reply", T0 + 1, root=root)
    api("get", f"/channels/{square.id}/posts")  # warm the session caches
    with django_assert_max_num_queries(12) as small:
        # one post listed: the reply, which brings its thread along
        assert len(get_list(api, square, "per_page=1")["order"]) == 1
    roots = [say(other_user, square, f"thread {i}", T0 + 1 + i) for i in range(5)]
    Post.objects.bulk_create(
        Post(
            user=user,
            channel=square,
            message=f"m{i}",
            root_id=roots[i % 5].id if i % 3 == 0 else "",
            create_at=T0 + 10 + i,
            update_at=T0 + 10 + i,
        )
        for i in range(250)
    )
    for query in ("per_page=200", f"before={root.id}&per_page=200", "per_page=200&page=1"):
        with django_assert_max_num_queries(len(small.captured_queries)):
            get_list(api, square, query)
    body = get_list(api, square, "per_page=200")
    assert len(body["order"]) == 200
    assert set(roots[0:1]) <= {post for post in roots if post.id in body["posts"]}


# GET /posts/{post_id}


def test_get_post(api: Callable[..., Any], history: History) -> None:
    response = api("get", f"/posts/{history.c1.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == history.c1.id
    assert body["root_id"] == history.r1.id
    assert body["reply_count"] == 2
    assert response["ETag"] == f"10.3.0.{history.c1.id}.{history.c1.update_at}"
    cached = api("get", f"/posts/{history.c1.id}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304


def test_get_post_errors(
    api: Callable[..., Any],
    client: Client,
    history: History,
    user: User,
    secret: Channel,
    outsider: User,
    admin: User,
    login: Callable[..., tuple[Session, str]],
) -> None:
    assert_error(api("get", "/posts/bad"), 400, URL_ERROR)
    assert_error(api("get", f"/posts/{UNKNOWN_ID}"), 404, MISSING_POST)
    assert_error(api("get", f"/posts/{history.r4.id}"), 404, MISSING_POST)  # deleted
    assert_error(api("get", f"/posts/{history.r4.id}?include_deleted=true"), 403, FORBIDDEN)
    admin_token = login(admin)[1]
    deleted = client.get(
        f"/api/v4/posts/{history.r4.id}?include_deleted=true", **bearer(admin_token)
    )
    assert deleted.json()["delete_at"] == T0 + 101
    assert_error(client.get(f"/api/v4/posts/{history.r1.id}"), 401, NO_SESSION)
    hidden = say(user, secret, "psst", T0 + 50)
    eve = bearer(login(outsider)[1])
    assert_error(client.get(f"/api/v4/posts/{hidden.id}", **eve), 403, FORBIDDEN)
    assert_error(client.get(f"/api/v4/posts/{history.r1.id}", **eve), 403, FORBIDDEN)


# POST /posts/ids


def test_posts_by_ids_returns_readable_posts(
    api: Callable[..., Any],
    client: Client,
    history: History,
    user: User,
    secret: Channel,
    other_user: User,
    login: Callable[..., tuple[Session, str]],
) -> None:
    hidden = say(user, secret, "psst", T0 + 50)
    ids = [history.r1.id, history.c2.id, hidden.id, UNKNOWN_ID, history.r1.id]
    mine = api("post", "/posts/ids", ids)
    assert mine.status_code == 200
    assert [post["id"] for post in mine.json()] == [hidden.id, history.c2.id, history.r1.id]
    assert mine.json()[1]["reply_count"] == 2
    bob = client.post(
        "/api/v4/posts/ids", ids, content_type="application/json", **bearer(login(other_user)[1])
    )
    assert [post["id"] for post in bob.json()] == [history.c2.id, history.r1.id]


def test_posts_by_ids_errors(api: Callable[..., Any], client: Client) -> None:
    assert_error(api("post", "/posts/ids", []), 400, BODY_ERROR)
    assert_error(api("post", "/posts/ids", {"ids": []}), 400, "api.payload.parse.error")
    assert_error(api("post", "/posts/ids", [1, 2]), 400, "api.payload.parse.error")
    assert_error(api("post", "/posts/ids", "[nope"), 400, "api.payload.parse.error")
    too_many = [f"{i:026d}" for i in range(1001)]
    assert_error(
        api("post", "/posts/ids", too_many), 400, "api.post.posts_by_ids.invalid_body.request_error"
    )
    assert_error(
        client.post("/api/v4/posts/ids", ["x"], content_type="application/json"), 401, NO_SESSION
    )


# GET /posts/{post_id}/thread


def test_thread_lists_root_and_every_reply_newest_first(
    api: Callable[..., Any], history: History
) -> None:
    for start in (history.r1, history.c1):
        response = api("get", f"/posts/{start.id}/thread")
        assert response.status_code == 200
        body = response.json()
        assert body["order"] == history.ids("c2", "c1", "r1")
        assert set(body["posts"]) == set(body["order"])
        assert body["has_next"] is False
        assert all(post["reply_count"] == 2 for post in body["posts"].values())
        thread = Post.objects.filter(pk__in=history.ids("r1", "c1", "c2"))
        latest = max(thread, key=lambda p: (p.update_at, p.id))
        assert response["ETag"] == (f"10.3.0.{history.c2.id}.{latest.id}.{latest.update_at}")
        cached = api("get", f"/posts/{start.id}/thread", HTTP_IF_NONE_MATCH=response["ETag"])
        assert cached.status_code == 304


def test_thread_paging_and_flags(api: Callable[..., Any], user: User, square: Channel) -> None:
    root = say(user, square, "root", T0)
    replies = [say(user, square, f"r{i}", T0 + 1 + i, root=root) for i in range(5)]
    down = api("get", f"/posts/{root.id}/thread?perPage=2&direction=down&fromCreateAt={T0}")
    body = down.json()
    assert body["order"] == [root.id, replies[0].id, replies[1].id]
    assert body["has_next"] is True
    last = replies[1]
    more = api(
        "get",
        f"/posts/{root.id}/thread?perPage=10&direction=down"
        f"&fromCreateAt={last.create_at}&fromPost={last.id}",
    ).json()
    assert more["order"] == [root.id] + [reply.id for reply in replies[2:]]
    assert more["has_next"] is False
    skipped = api("get", f"/posts/{replies[0].id}/thread?skipFetchThreads=true").json()
    assert skipped["order"] == [replies[0].id]
    assert "has_next" not in skipped
    collapsed = api("get", f"/posts/{root.id}/thread?collapsedThreads=true").json()
    # collapsed threads: the root first, then its replies newest first
    assert collapsed["order"] == [root.id] + [reply.id for reply in reversed(replies)]
    assert collapsed["posts"][root.id]["participants"] == [{"id": user.id}]
    assert collapsed["posts"][replies[0].id]["participants"] is None


def test_thread_errors(
    api: Callable[..., Any],
    client: Client,
    history: History,
    user: User,
    secret: Channel,
    outsider: User,
    login: Callable[..., tuple[Session, str]],
) -> None:
    url = f"/posts/{history.r1.id}/thread"
    assert_error(api("get", "/posts/bad/thread"), 400, URL_ERROR)
    assert_error(api("get", f"{url}?perPage=201"), 400, BODY_ERROR)
    assert_error(api("get", f"{url}?perPage=many"), 400, BODY_ERROR)
    assert_error(api("get", f"{url}?fromCreateAt=x"), 400, BODY_ERROR)
    assert_error(api("get", f"{url}?fromPost={history.c1.id}"), 400, BODY_ERROR)
    assert_error(api("get", f"{url}?direction=sideways"), 400, BODY_ERROR)
    assert api("get", f"{url}?perPage=200").status_code == 200
    assert_error(api("get", f"/posts/{UNKNOWN_ID}/thread"), 404, MISSING_POST)
    assert_error(api("get", f"/posts/{history.r4.id}/thread"), 404, MISSING_POST)
    assert_error(client.get(f"/api/v4{url}"), 401, NO_SESSION)
    hidden = say(user, secret, "psst", T0 + 50)
    eve = bearer(login(outsider)[1])
    assert_error(client.get(f"/api/v4/posts/{hidden.id}/thread", **eve), 403, FORBIDDEN)


# GET /users/{user_id}/channels/{channel_id}/posts/unread


def test_posts_around_the_first_unread(
    api: Callable[..., Any], history: History, square: Channel, user: User
) -> None:
    ChannelMember.objects.filter(channel=square, user=user).update(last_viewed_at=T0 + 3)
    url = f"/users/me/channels/{square.id}/posts/unread"
    body = api("get", f"{url}?limit_before=1&limit_after=2").json()
    # r3 is the first unread; one post before it, it and one after
    assert body["order"] == history.ids("c2", "r3", "c1")
    assert {history.r1.id, history.c1.id} <= set(body["posts"])
    assert body["next_post_id"] == history.r5.id
    assert body["prev_post_id"] == history.r2.id
    everything = api("get", url).json()
    assert everything["order"] == history.ids("r5", "c2", "r3", "c1", "r2", "r1")
    assert (everything["next_post_id"], everything["prev_post_id"]) == ("", "")


def test_unread_without_anything_to_center_on_gives_the_latest_page(
    api: Callable[..., Any], history: History, square: Channel, user: User
) -> None:
    url = f"/users/{user.id}/channels/{square.id}/posts/unread"
    ChannelMember.objects.filter(channel=square, user=user).update(last_viewed_at=0)
    response = api("get", f"{url}?limit_before=2")
    assert response.status_code == 200
    assert response.json()["order"] == history.ids("r5", "c2")
    assert response.json()["prev_post_id"] == history.r3.id
    assert api("get", url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    ChannelMember.objects.filter(channel=square, user=user).update(last_viewed_at=T0 + 1000)
    assert api("get", url).json()["order"][0] == history.r5.id


def test_unread_errors(
    api: Callable[..., Any],
    client: Client,
    square: Channel,
    secret: Channel,
    other_user: User,
    login: Callable[..., tuple[Session, str]],
    token: str,
) -> None:
    url = f"/users/me/channels/{square.id}/posts/unread"
    assert_error(api("get", f"{url}?limit_after=0"), 400, URL_ERROR)
    assert_error(api("get", "/users/me/channels/bad/posts/unread"), 400, URL_ERROR)
    assert_error(api("get", f"/users/bad/channels/{square.id}/posts/unread"), 400, URL_ERROR)
    assert_error(api("get", f"/users/me/channels/{UNKNOWN_ID}/posts/unread"), 404, MISSING_CHANNEL)
    assert_error(
        api("get", f"/users/{other_user.id}/channels/{square.id}/posts/unread"), 403, FORBIDDEN
    )
    bob = bearer(login(other_user)[1])
    assert_error(
        client.get(f"/api/v4/users/me/channels/{secret.id}/posts/unread", **bob), 403, FORBIDDEN
    )
    assert_error(client.get(f"/api/v4{url}"), 401, NO_SESSION)


# POST /users/{user_id}/posts/{post_id}/set_unread


def test_set_unread_recounts_the_member(
    api: Callable[..., Any],
    user: User,
    other_user: User,
    square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    say(other_user, square, "old", T0)
    marked = say(other_user, square, "hey @alice", T0 + 1)
    say(other_user, square, "reply @all", T0 + 2, root=marked)
    say(user, square, "mine", T0 + 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("post", f"/users/me/posts/{marked.id}/set_unread", {})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "team_id": square.team_id,
        "user_id": user.id,
        "channel_id": square.id,
        "msg_count": 1,
        "mention_count": 2,
        "mention_count_root": 1,
        "urgent_mention_count": 0,
        "msg_count_root": 1,
        "last_viewed_at": T0,
    }
    member = ChannelMember.objects.get(channel=square, user=user)
    assert (member.msg_count, member.last_viewed_at, member.mention_count) == (1, T0, 2)
    event = next(event for event in published if event.event == "post_unread")
    assert event.data["post_id"] == marked.id
    assert event.data["msg_count"] == 1
    assert event.broadcast.user_id == user.id
    # the list around the first unread now starts at the marked post
    around = api("get", f"/users/me/channels/{square.id}/posts/unread?limit_before=0").json()
    assert around["order"][-1] == marked.id


def test_set_unread_errors(
    api: Callable[..., Any],
    client: Client,
    history: History,
    user: User,
    other_user: User,
    secret: Channel,
    login: Callable[..., tuple[Session, str]],
) -> None:
    url = f"/users/me/posts/{history.r1.id}/set_unread"
    assert_error(api("post", "/users/me/posts/bad/set_unread"), 400, URL_ERROR)
    assert_error(
        api("post", f"/users/{UNKNOWN_ID}/posts/{history.r1.id}/set_unread"), 403, FORBIDDEN
    )
    assert_error(api("post", f"/users/me/posts/{UNKNOWN_ID}/set_unread"), 403, FORBIDDEN)
    assert_error(api("post", f"/users/me/posts/{history.r4.id}/set_unread"), 404, MISSING_POST)
    hidden = say(user, secret, "psst", T0 + 50)
    bob = bearer(login(other_user)[1])
    assert_error(
        client.post(f"/api/v4/users/me/posts/{hidden.id}/set_unread", **bob), 403, FORBIDDEN
    )
    assert_error(client.post(f"/api/v4{url}"), 401, NO_SESSION)


# The real client


def driver_for(live_server: Any, login_id: str) -> Driver:
    address = urlsplit(live_server.url)
    return Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": login_id,
            "password": "passw0rd!",
            "timeout": 10,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_reads_posts(
    live_server: Any, user: User, other_user: User, square: Channel
) -> None:
    root = say(user, square, "hello", T0)
    reply = say(other_user, square, "hi back", T0 + 1, root=root)
    driver = driver_for(live_server, "alice")
    driver.login()
    page = driver.posts.get_posts_for_channel(square.id, params={"per_page": 10})
    assert page["order"] == [reply.id, root.id]
    assert driver.posts.get_post(root.id)["message"] == "hello"
    thread = driver.posts.get_thread(reply.id)
    assert thread["order"] == [reply.id, root.id]
    unread = driver.posts.get_unread_posts_for_channel("me", square.id)
    assert root.id in unread["posts"]
    driver.logout()
