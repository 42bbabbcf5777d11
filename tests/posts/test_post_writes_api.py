"""Writing posts over API v4: create, ephemeral, update, patch and delete, with
Mattermost's check order, error ids, permission table and events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import Session, User
from apps.accounts.services import user_create
from apps.channels.models import Channel
from apps.channels.services import channel_archive, channel_create
from apps.core.cache import reset_hot_cache
from apps.core.errors import AppError
from apps.core.events import Event
from apps.posts.models import Post
from apps.posts.services import post_create, post_patch
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer, forget_join_notices

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
PARAM_ERROR = "api.context.invalid_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
MISSING_POST = "app.post.get.app_error"
TIME_LIMIT = "api.post.update_post.permissions_time_limit.app_error"
UNKNOWN_ID = "q" * 26
POST_KEYS = {
    "id",
    "create_at",
    "update_at",
    "edit_at",
    "delete_at",
    "is_pinned",
    "user_id",
    "channel_id",
    "root_id",
    "original_id",
    "message",
    "type",
    "props",
    "hashtags",
    "pending_post_id",
    "reply_count",
    "last_reply_at",
    "participants",
    "metadata",
}

Login = Callable[..., tuple[Session, str]]


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


def make_user(name: str, roles: str = "system_user") -> User:
    return user_create(
        username=name, email=f"{name}@example.com", password="passw0rd!", roles=roles
    )


def events(published: list[Event], name: str) -> list[Event]:
    return [event for event in published if event.event == name]


def aged(post: Post, create_at: int = 1000) -> Post:
    """Make the post look old, so edits visibly move its times."""
    Post.objects.filter(pk=post.pk).update(create_at=create_at, update_at=create_at)
    post.refresh_from_db()
    return post


@pytest.fixture
def carol(db: None) -> User:
    return make_user("carol")


@pytest.fixture
def team(user: User, other_user: User, carol: User) -> Team:
    """alice created it (team admin); bob and carol are plain members."""
    team = team_create(creator=user, name="alpha", display_name="Alpha", type="O")
    team_member_add(team=team, user=other_user)
    team_member_add(team=team, user=carol)
    forget_join_notices(team)
    return team


@pytest.fixture
def square(team: Team) -> Channel:
    return Channel.objects.get(team=team, name="town-square")


@pytest.fixture
def public(team: Team, user: User) -> Channel:
    """alice's public channel; bob and carol are not in it."""
    return channel_create(team=team, creator=user, name="open-talk", display_name="Open", type="O")


@pytest.fixture
def private(team: Team, user: User) -> Channel:
    """alice's private channel; bob and carol are not in it."""
    return channel_create(team=team, creator=user, name="secret", display_name="Secret", type="P")


@pytest.fixture
def bob_token(other_user: User, login: Login) -> str:
    return login(other_user)[1]


@pytest.fixture
def carol_token(carol: User, login: Login) -> str:
    return login(carol)[1]


@pytest.fixture
def admin_token(admin: User, login: Login) -> str:
    return login(admin)[1]


@pytest.fixture
def bobs_post(other_user: User, square: Channel) -> Post:
    return aged(post_create(author=other_user, channel=square, message="bob says hi"))


# POST /posts


def test_create_post(client: Client, token: str, user: User, square: Channel) -> None:
    body = {
        "channel_id": square.id,
        "message": "hello #world",
        "props": {
            "from_webhook": "true",
            "override_username": "mallory",
            "add_channel_member": {"x": 1},
            "custom": "kept",
        },
        "create_at": 12345,
        "user_id": UNKNOWN_ID,
    }
    response = call(client, "post", "/posts", token, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == POST_KEYS
    assert data["user_id"] == user.id
    assert data["channel_id"] == square.id
    assert data["message"] == "hello #world"
    assert data["hashtags"] == "#world"
    assert data["props"] == {"custom": "kept"}  # integration and internal props are gone
    assert data["create_at"] != 12345  # only a system admin may choose it
    stored = Post.objects.get(pk=data["id"])
    assert stored.props == {"custom": "kept"}
    square.refresh_from_db()
    assert square.total_msg_count == 1


def test_set_online_reaches_the_posted_event(
    client: Client,
    token: str,
    square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = {"channel_id": square.id, "message": "x"}
    with django_capture_on_commit_callbacks(execute=True):
        assert call(client, "post", "/posts?set_online=false", token, body).status_code == 201
        assert call(client, "post", "/posts?set_online=junk", token, body).status_code == 201
    assert [e.data["set_online"] for e in events(published, "posted")] == [False, True]


def test_system_admin_may_choose_create_at(
    client: Client, admin_token: str, square: Channel
) -> None:
    response = call(
        client,
        "post",
        "/posts",
        admin_token,
        {"channel_id": square.id, "message": "imported", "create_at": 12345},
    )
    assert response.status_code == 201
    assert response.json()["create_at"] == 12345


def test_create_post_needs_a_session(client: Client, square: Channel) -> None:
    assert_error(call(client, "post", "/posts", None, {"channel_id": square.id}), 401, NO_SESSION)


@pytest.mark.parametrize(
    ("body", "error_id", "field"),
    [
        ("[1, 2]", BODY_ERROR, "post"),
        ("{not json", BODY_ERROR, "body"),
        ({"channel_id": None, "message": "no channel"}, BODY_ERROR, "channel_id"),
        ({"channel_id": 5}, BODY_ERROR, "channel_id"),
        ({"channel_id": "short"}, BODY_ERROR, "channel_id"),
        ({"message": 5}, BODY_ERROR, "message"),
        ({"props": "x"}, BODY_ERROR, "props"),
        ({"file_ids": "x"}, BODY_ERROR, "file_ids"),
        ({"file_ids": [1]}, BODY_ERROR, "file_ids"),
        ({"pending_post_id": []}, BODY_ERROR, "pending_post_id"),
        ({"create_at": "soon"}, BODY_ERROR, "create_at"),
        ({"root_id": "nope"}, "model.post.is_valid.root_id.app_error", None),
        ({"message": "x" * 16384}, "model.post.is_valid.msg.app_error", None),
        ({"type": "system_join_channel"}, PARAM_ERROR, None),
        ({"type": "weird"}, "model.post.is_valid.type.app_error", None),
    ],
)
def test_create_post_refuses_bad_bodies(
    client: Client, token: str, square: Channel, body: Any, error_id: str, field: str | None
) -> None:
    if isinstance(body, dict) and "channel_id" not in body:
        body = {"channel_id": square.id, **body}
    error = assert_error(call(client, "post", "/posts", token, body), 400, error_id)
    if field is not None:
        assert field in error["message"]
    assert Post.objects.count() == 0


def test_non_members_cannot_post_in_private_or_public_channels(
    client: Client, bob_token: str, private: Channel, public: Channel
) -> None:
    for channel in (private, public):
        body = {"channel_id": channel.id, "message": "let me in"}
        assert_error(call(client, "post", "/posts", bob_token, body), 403, FORBIDDEN)
    assert Post.objects.count() == 0


def test_create_post_public_lets_a_team_member_post_in_an_open_channel(
    client: Client, bob_token: str, other_user: User, public: Channel, private: Channel
) -> None:
    TeamMember.objects.filter(team=public.team, user=other_user).update(
        explicit_roles="team_post_all_public"
    )
    reset_hot_cache()
    ok = call(client, "post", "/posts", bob_token, {"channel_id": public.id, "message": "hi"})
    assert ok.status_code == 201, ok.content
    denied = call(client, "post", "/posts", bob_token, {"channel_id": private.id, "message": "x"})
    assert_error(denied, 403, FORBIDDEN)


def test_unknown_channel(client: Client, token: str, admin_token: str) -> None:
    body = {"channel_id": UNKNOWN_ID, "message": "void"}
    assert_error(call(client, "post", "/posts", token, body), 403, FORBIDDEN)
    # a system admin passes the permission check and learns the channel is not valid
    assert_error(call(client, "post", "/posts", admin_token, body), 400, PARAM_ERROR)


def test_archived_channel_takes_no_posts(client: Client, token: str, public: Channel) -> None:
    channel_archive(channel=public)
    response = call(client, "post", "/posts", token, {"channel_id": public.id, "message": "x"})
    assert_error(response, 400, "api.post.create_post.can_not_post_to_deleted.error")


def test_files_need_upload_file(
    client: Client, bob_token: str, other_user: User, public: Channel
) -> None:
    TeamMember.objects.filter(team=public.team, user=other_user).update(
        explicit_roles="team_post_all_public"
    )
    reset_hot_cache()
    body = {"channel_id": public.id, "message": "x", "file_ids": [UNKNOWN_ID]}
    assert_error(call(client, "post", "/posts", bob_token, body), 403, FORBIDDEN)


def test_repeated_pending_post_id_returns_the_first_post(
    client: Client, token: str, square: Channel
) -> None:
    body = {"channel_id": square.id, "message": "once", "pending_post_id": "alice:1"}
    first = call(client, "post", "/posts", token, body)
    again = call(client, "post", "/posts", token, body)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.count() == 1
    square.refresh_from_db()
    assert square.total_msg_count == 1


def test_replies(client: Client, token: str, bob_token: str, square: Channel) -> None:
    root = call(client, "post", "/posts", token, {"channel_id": square.id, "message": "root"})
    root_id = root.json()["id"]
    reply = call(
        client,
        "post",
        "/posts",
        bob_token,
        {"channel_id": square.id, "message": "reply", "root_id": root_id},
    )
    assert reply.status_code == 201
    assert reply.json()["root_id"] == root_id
    assert Post.objects.get(pk=root_id).reply_count == 1
    deeper = call(
        client,
        "post",
        "/posts",
        token,
        {"channel_id": square.id, "message": "deeper", "root_id": reply.json()["id"]},
    )
    assert_error(deeper, 400, "api.post.create_post.root_id.app_error")


def test_posted_is_published_on_commit(
    client: Client,
    token: str,
    square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = call(client, "post", "/posts", token, {"channel_id": square.id, "message": "x"})
    assert callbacks
    (event,) = events(published, "posted")
    assert event.broadcast.channel_id == square.id
    assert json.loads(event.data["post"])["id"] == response.json()["id"]


# POST /posts/ephemeral


def test_ephemeral_post(
    client: Client,
    admin_token: str,
    user: User,
    square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = {"user_id": user.id, "post": {"channel_id": square.id, "message": "only you"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, "post", "/posts/ephemeral", admin_token, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["type"] == "system_ephemeral"
    assert data["message"] == "only you"
    assert data["channel_id"] == square.id
    assert Post.objects.count() == 0  # never stored
    (event,) = events(published, "ephemeral_message")
    assert event.broadcast.user_id == user.id
    assert event.broadcast.channel_id == square.id
    assert json.loads(event.data["post"])["id"] == data["id"]


def test_ephemeral_post_needs_create_post_ephemeral(
    client: Client, token: str, user: User, square: Channel
) -> None:
    body = {"user_id": user.id, "post": {"channel_id": square.id, "message": "x"}}
    assert_error(call(client, "post", "/posts/ephemeral", token, body), 403, FORBIDDEN)
    assert_error(call(client, "post", "/posts/ephemeral", None, body), 401, NO_SESSION)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"post": {"channel_id": UNKNOWN_ID}}, "user_id"),
        ({"user_id": 7, "post": {"channel_id": UNKNOWN_ID}}, "user_id"),
        ({"user_id": UNKNOWN_ID}, "post"),
        ({"user_id": UNKNOWN_ID, "post": "hi"}, "post"),
        ({"user_id": UNKNOWN_ID, "post": {"channel_id": 3}}, "channel_id"),
    ],
)
def test_ephemeral_post_bad_bodies(client: Client, admin_token: str, body: Any, field: str) -> None:
    error = assert_error(
        call(client, "post", "/posts/ephemeral", admin_token, body), 400, BODY_ERROR
    )
    assert field in error["message"]


# PUT /posts/{id}/patch


def test_author_patches_the_message(
    client: Client,
    bob_token: str,
    bobs_post: Post,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client, "put", f"/posts/{bobs_post.id}/patch", bob_token, {"message": "bob #edits"}
        )
        assert events(published, "post_edited") == []  # not before the commit
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["message"] == "bob #edits"
    assert data["hashtags"] == "#edits"
    assert data["edit_at"] > 1000
    assert data["update_at"] == data["edit_at"]
    assert data["create_at"] == 1000
    # the previous version is kept as a deleted row pointing at the post
    (old,) = Post.objects.filter(original_id=bobs_post.id)
    assert old.message == "bob says hi"
    assert old.delete_at == data["edit_at"]
    (event,) = events(published, "post_edited")
    assert event.broadcast.channel_id == bobs_post.channel_id
    assert json.loads(event.data["post"])["message"] == "bob #edits"


def test_patch_only_changes_what_is_given(client: Client, bob_token: str, bobs_post: Post) -> None:
    Post.objects.filter(pk=bobs_post.pk).update(props={"keep": 1})
    response = call(client, "put", f"/posts/{bobs_post.id}/patch", bob_token, {"is_pinned": True})
    assert response.status_code == 200
    data = response.json()
    assert data["is_pinned"] is True
    assert data["message"] == "bob says hi"
    assert data["props"] == {"keep": 1}
    assert data["edit_at"] == 0  # pinning is not an edit
    assert data["update_at"] > 1000
    assert not Post.objects.filter(original_id=bobs_post.id).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("author", 200), ("member", 403), ("team_admin", 403), ("system_admin", 200)],
)
def test_who_may_patch(
    client: Client,
    bobs_post: Post,
    token: str,
    bob_token: str,
    carol_token: str,
    admin_token: str,
    who: str,
    status: int,
) -> None:
    tokens = {
        "author": bob_token,
        "member": carol_token,
        "team_admin": token,
        "system_admin": admin_token,
    }
    response = call(client, "put", f"/posts/{bobs_post.id}/patch", tokens[who], {"message": "m"})
    if status == 403:
        assert_error(response, 403, FORBIDDEN)
        assert Post.objects.get(pk=bobs_post.pk).message == "bob says hi"
    else:
        assert response.status_code == 200
        assert response.json()["message"] == "m"


def test_patch_errors(client: Client, bob_token: str, bobs_post: Post) -> None:
    path = f"/posts/{bobs_post.id}/patch"
    assert_error(
        call(client, "put", "/posts/bad/patch", bob_token, {"message": "x"}), 400, URL_ERROR
    )
    assert_error(call(client, "put", path, None, {"message": "x"}), 401, NO_SESSION)
    for body in ({"message": 5}, {"is_pinned": "yes"}, {"props": []}, {"file_ids": [3]}, "[]"):
        assert_error(call(client, "put", path, bob_token, body), 400, BODY_ERROR)
    long = {"message": "x" * 16384}
    assert_error(
        call(client, "put", path, bob_token, long), 400, "model.post.is_valid.msg.app_error"
    )
    # unknown posts look like forbidden ones, as in Mattermost
    unknown = call(client, "put", f"/posts/{UNKNOWN_ID}/patch", bob_token, {"message": "x"})
    assert_error(unknown, 403, FORBIDDEN)
    assert Post.objects.get(pk=bobs_post.pk).message == "bob says hi"


def test_deleted_posts_cannot_be_edited(
    client: Client, bob_token: str, other_user: User, bobs_post: Post
) -> None:
    call(client, "delete", f"/posts/{bobs_post.id}", bob_token)
    response = call(client, "put", f"/posts/{bobs_post.id}/patch", bob_token, {"message": "x"})
    assert_error(response, 403, FORBIDDEN)
    with pytest.raises(AppError) as raised:
        post_patch(post=bobs_post, message="x")
    assert raised.value.error_id == "api.post.update_post.permissions_details.app_error"


def test_post_edit_time_limit(
    client: Client, bob_token: str, bobs_post: Post, mm_config: Callable[..., None]
) -> None:
    mm_config(post_edit_time_limit=60)
    path = f"/posts/{bobs_post.id}/patch"
    assert_error(call(client, "put", path, bob_token, {"message": "late"}), 400, TIME_LIMIT)
    # other fields are not limited
    assert call(client, "put", path, bob_token, {"is_pinned": True}).status_code == 200
    # a fresh post is within the limit
    fresh = post_create(author=bobs_post.user, channel=bobs_post.channel, message="new")
    assert (
        call(client, "put", f"/posts/{fresh.id}/patch", bob_token, {"message": "ok"}).status_code
        == 200
    )
    # PUT only counts a changed message
    full = {"id": bobs_post.id, "message": "bob says hi", "is_pinned": True}
    assert call(client, "put", f"/posts/{bobs_post.id}", bob_token, full).status_code == 200
    full["message"] = "changed"
    assert_error(call(client, "put", f"/posts/{bobs_post.id}", bob_token, full), 400, TIME_LIMIT)


def test_no_edits_in_archived_channels(
    client: Client, bob_token: str, bobs_post: Post, square: Channel
) -> None:
    Channel.objects.filter(pk=square.pk).update(delete_at=5)
    patch = call(client, "put", f"/posts/{bobs_post.id}/patch", bob_token, {"message": "x"})
    assert_error(patch, 400, "api.post.patch_post.can_not_update_post_in_deleted.error")
    body = {"id": bobs_post.id, "message": "x"}
    full = call(client, "put", f"/posts/{bobs_post.id}", bob_token, body)
    assert_error(full, 400, "api.post.update_post.can_not_update_post_in_deleted.error")


def test_system_messages_cannot_be_edited(
    client: Client, admin_token: str, bobs_post: Post
) -> None:
    Post.objects.filter(pk=bobs_post.pk).update(type="system_join_channel")
    response = call(client, "put", f"/posts/{bobs_post.id}/patch", admin_token, {"message": "x"})
    assert_error(response, 400, "api.post.update_post.system_message.app_error")


# PUT /posts/{id}


def test_update_post(client: Client, bob_token: str, bobs_post: Post) -> None:
    Post.objects.filter(pk=bobs_post.pk).update(props={"keep": 1}, is_pinned=True)
    body = {"id": bobs_post.id, "message": "rewritten", "props": {"from_webhook": "true"}}
    response = call(client, "put", f"/posts/{bobs_post.id}", bob_token, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["message"] == "rewritten"
    assert data["props"] == {}  # replaced, without the integration-only prop
    assert data["is_pinned"] is False  # a full update: missing means false
    assert data["edit_at"] > 1000
    # no props at all keeps the post's own
    again = call(client, "put", f"/posts/{bobs_post.id}", bob_token, {"id": bobs_post.id})
    assert again.json()["props"] == {}
    assert again.json()["message"] == ""
    assert Post.objects.filter(original_id=bobs_post.id).count() == 2


def test_update_post_errors(
    client: Client, bob_token: str, carol_token: str, token: str, bobs_post: Post
) -> None:
    path = f"/posts/{bobs_post.id}"
    mismatch = call(client, "put", path, bob_token, {"id": UNKNOWN_ID, "message": "x"})
    error = assert_error(mismatch, 400, BODY_ERROR)
    assert "'id'" in error["message"]
    assert_error(
        call(client, "put", path, bob_token, {"id": bobs_post.id, "message": 1}), 400, BODY_ERROR
    )
    assert_error(call(client, "put", "/posts/nope", bob_token, {"id": "nope"}), 400, URL_ERROR)
    assert_error(call(client, "put", path, None, {"id": bobs_post.id}), 401, NO_SESSION)
    for other in (carol_token, token):  # a member, the team admin
        body = {"id": bobs_post.id, "message": "hijack"}
        assert_error(call(client, "put", path, other, body), 403, FORBIDDEN)
    unknown = call(client, "put", f"/posts/{UNKNOWN_ID}", bob_token, {"id": UNKNOWN_ID})
    assert_error(unknown, 403, FORBIDDEN)
    assert Post.objects.get(pk=bobs_post.pk).message == "bob says hi"


def test_editing_a_reply_bumps_the_root(
    client: Client, bob_token: str, user: User, other_user: User, square: Channel
) -> None:
    root = post_create(author=user, channel=square, message="root")
    reply = post_create(author=other_user, channel=square, message="r", root_id=root.id)
    aged(root)
    response = call(client, "put", f"/posts/{reply.id}/patch", bob_token, {"message": "r2"})
    assert response.status_code == 200
    root.refresh_from_db()
    assert root.update_at >= response.json()["update_at"]
    assert root.reply_count == 1  # the kept version does not count as a reply


# DELETE /posts/{id}


def test_deleting_a_thread(
    client: Client,
    token: str,
    user: User,
    other_user: User,
    square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    root = post_create(author=user, channel=square, message="root")
    replies = [
        post_create(author=other_user, channel=square, message=f"r{i}", root_id=root.id)
        for i in range(2)
    ]
    square.refresh_from_db()
    counts = (square.total_msg_count, square.total_msg_count_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, "delete", f"/posts/{root.id}", token)
        assert events(published, "post_deleted") == []  # not before the commit
    assert response.status_code == 200
    assert response.json() == {"status": "OK"}
    rows = Post.objects.filter(pk__in=[root.id, *(r.id for r in replies)])
    assert rows.count() == 3
    for row in rows:
        assert row.delete_at > 0
        assert row.update_at == row.delete_at
        assert row.props["deleteBy"] == user.id
    square.refresh_from_db()
    assert (square.total_msg_count, square.total_msg_count_root) == counts  # as Mattermost
    (event,) = events(published, "post_deleted")
    assert json.loads(event.data["post"])["id"] == root.id
    assert event.broadcast.channel_id == square.id
    # gone means gone: a second delete finds nothing
    assert_error(call(client, "delete", f"/posts/{root.id}", token), 404, MISSING_POST)


def test_deleting_a_reply_updates_its_root(
    client: Client, bob_token: str, user: User, other_user: User, square: Channel
) -> None:
    root = post_create(author=user, channel=square, message="root")
    reply = post_create(author=other_user, channel=square, message="r", root_id=root.id)
    post_create(author=other_user, channel=square, message="r2", root_id=root.id)
    aged(root)
    assert call(client, "delete", f"/posts/{reply.id}", bob_token).status_code == 200
    root.refresh_from_db()
    assert root.reply_count == 1
    assert root.update_at > 1000
    assert root.delete_at == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("author", 200), ("member", 403), ("team_admin", 200), ("system_admin", 200)],
)
def test_who_may_delete(
    client: Client,
    bobs_post: Post,
    token: str,
    bob_token: str,
    carol_token: str,
    admin_token: str,
    who: str,
    status: int,
) -> None:
    tokens = {
        "author": bob_token,
        "member": carol_token,
        "team_admin": token,
        "system_admin": admin_token,
    }
    response = call(client, "delete", f"/posts/{bobs_post.id}", tokens[who])
    bobs_post.refresh_from_db()
    if status == 403:
        assert_error(response, 403, FORBIDDEN)
        assert bobs_post.delete_at == 0
    else:
        assert response.json() == {"status": "OK"}
        assert bobs_post.delete_at > 0


def test_delete_errors(client: Client, bob_token: str, bobs_post: Post, square: Channel) -> None:
    assert_error(call(client, "delete", "/posts/bad", bob_token), 400, URL_ERROR)
    assert_error(call(client, "delete", f"/posts/{bobs_post.id}", None), 401, NO_SESSION)
    assert_error(call(client, "delete", f"/posts/{UNKNOWN_ID}", bob_token), 404, MISSING_POST)
    Channel.objects.filter(pk=square.pk).update(delete_at=5)
    response = call(client, "delete", f"/posts/{bobs_post.id}", bob_token)
    assert_error(response, 400, "api.post.delete_post.can_not_delete_post_in_deleted.error")
    assert Post.objects.get(pk=bobs_post.pk).delete_at == 0


def test_permanent_delete(
    client: Client,
    bob_token: str,
    admin_token: str,
    user: User,
    other_user: User,
    square: Channel,
    mm_config: Callable[..., None],
) -> None:
    root = post_create(author=other_user, channel=square, message="root")
    reply = post_create(author=user, channel=square, message="r", root_id=root.id)
    call(client, "put", f"/posts/{root.id}/patch", bob_token, {"message": "edited"})
    path = f"/posts/{root.id}?permanent=true"
    assert_error(
        call(client, "delete", path, admin_token), 501, "api.post.delete_post.not_enabled.app_error"
    )
    mm_config(enable_api_post_deletion=True)
    assert_error(call(client, "delete", path, bob_token), 403, FORBIDDEN)
    assert Post.objects.count() == 3  # root, reply, the root's kept version
    assert call(client, "delete", path, admin_token).json() == {"status": "OK"}
    assert not Post.objects.filter(pk__in=[root.id, reply.id]).exists()
    assert Post.objects.count() == 0


def test_permanent_delete_of_a_soft_deleted_reply(
    client: Client,
    admin_token: str,
    user: User,
    square: Channel,
    mm_config: Callable[..., None],
) -> None:
    mm_config(enable_api_post_deletion=True)
    root = post_create(author=user, channel=square, message="root")
    reply = post_create(author=user, channel=square, message="r", root_id=root.id)
    assert call(client, "delete", f"/posts/{reply.id}", admin_token).status_code == 200
    gone = call(client, "delete", f"/posts/{reply.id}?permanent=true", admin_token)
    assert gone.status_code == 200
    root.refresh_from_db()
    assert root.reply_count == 0  # counted off once, by the soft delete
    assert not Post.objects.filter(pk=reply.id).exists()


# The real client


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_creates_patches_and_deletes(live_server: Any, user: User) -> None:
    team = team_create(creator=user, name="beta", display_name="Beta", type="O")
    square = Channel.objects.get(team=team, name="town-square")
    address = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": "alice",
            "password": "passw0rd!",
            "timeout": 10,
        }
    )
    driver.login()
    created = driver.posts.create_post({"channel_id": square.id, "message": "from the driver"})
    assert created["user_id"] == user.id
    assert created["message"] == "from the driver"
    patched = driver.posts.patch_post(created["id"], {"message": "patched"})
    assert patched["message"] == "patched"
    assert patched["edit_at"] > 0
    updated = driver.posts.update_post(created["id"], {"id": created["id"], "message": "put"})
    assert updated["message"] == "put"
    assert driver.posts.delete_post(created["id"]) == {"status": "OK"}
    assert Post.objects.get(pk=created["id"]).delete_at > 0
    driver.logout()
