"""API v3 post writes (create, update, delete, pin, unpin), and posts going back and
forth between API v3 and API v4."""

from __future__ import annotations

from typing import Any

import pytest

from apps.channels.services import channel_archive
from apps.core.config import SERVER_VERSION
from apps.posts.models import Post
from apps.posts.services import post_create
from tests.channels.v3_setup import (
    FORBIDDEN,
    INVALID_PARAM,
    MISSING_POST,
    NO_SESSION,
    UNKNOWN_ID,
    V3World,
)
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db
POST_KEYS = [
    "id",
    "create_at",
    "update_at",
    "edit_at",
    "delete_at",
    "is_pinned",
    "user_id",
    "channel_id",
    "root_id",
    "parent_id",
    "original_id",
    "message",
    "type",
    "props",
    "hashtags",
    "pending_post_id",
]


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def posts_path(v3: V3World, channel_id: str | None = None) -> str:
    return f"{v3.channels}/{channel_id or v3.dev.id}/posts"


def v4_get(v3: V3World, who: str, path: str) -> Any:
    response = v3.client.get(f"/api/v4{path}", **bearer(v3.tokens[who]))
    assert response.status_code == 200, response.content
    return response.json()


def v4_send(v3: V3World, who: str, method: str, path: str, body: Any) -> Any:
    response = getattr(v3.client, method)(
        f"/api/v4{path}", body, content_type="application/json", **bearer(v3.tokens[who])
    )
    assert response.status_code in (200, 201), response.content
    return response.json()


class TestCreate:
    def test_creates_in_4_10s_shape_and_echoes_the_pending_id(self, v3: V3World) -> None:
        body = {
            "channel_id": v3.dev.id,
            "message": "hello #world",
            "pending_post_id": f"{v3.bob.id}:1",
            "create_at": 0,
        }
        post = ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))
        assert list(post) == POST_KEYS
        assert (post["message"], post["hashtags"], post["props"]) == ("hello #world", "#world", {})
        assert (post["user_id"], post["channel_id"]) == (v3.bob.id, v3.dev.id)
        assert post["pending_post_id"] == f"{v3.bob.id}:1"
        assert post["parent_id"] == post["root_id"] == ""

    def test_the_body_channel_wins_over_the_url(self, v3: V3World) -> None:
        body = {"channel_id": v3.square.id, "message": "sent via mismatched url"}
        post = ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))
        assert post["channel_id"] == v3.square.id
        assert Post.objects.get(pk=post["id"]).channel_id == v3.square.id

    def test_a_reply_names_its_root_as_parent(self, v3: V3World) -> None:
        root = post_create(author=v3.alice, channel=v3.dev, message="root")
        body = {"channel_id": v3.dev.id, "message": "a reply", "root_id": root.id}
        reply = ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))
        assert (reply["root_id"], reply["parent_id"]) == (root.id, root.id)
        other = post_create(author=v3.alice, channel=v3.dev, message="x", root_id=root.id)
        via_reply = {**body, "parent_id": other.id}
        assert ok(v3.api("bob").post(f"{posts_path(v3)}/create", via_reply))["root_id"] == root.id

    def test_the_same_pending_post_is_created_once(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "message": "once", "pending_post_id": "p:1"}
        first = ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))
        again = ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))
        assert first["id"] == again["id"]

    def test_long_messages_as_4_10_allowed_them(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "message": "x" * 4001}
        assert len(ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))["message"]) == 4001
        body["message"] = "x" * 16384
        response = v3.api("bob").post(f"{posts_path(v3)}/create", body)
        assert_error(response, 400, "model.post.is_valid.msg.app_error")

    @pytest.mark.parametrize(
        ("changes", "error_id"),
        [
            ({"message": 5}, INVALID_PARAM),
            ({"props": "x"}, INVALID_PARAM),
            ({"file_ids": "x"}, INVALID_PARAM),
            ({"root_id": "short"}, "model.post.is_valid.root_id.app_error"),
            ({"root_id": UNKNOWN_ID}, "api.post.create_post.root_id.app_error"),
            ({"parent_id": UNKNOWN_ID}, "model.post.is_valid.root_parent.app_error"),
            ({"type": "system_join_channel"}, INVALID_PARAM),
            ({"type": "weird"}, "model.post.is_valid.type.app_error"),
        ],
    )
    def test_bad_posts_are_400(self, v3: V3World, changes: dict[str, Any], error_id: str) -> None:
        body = {"channel_id": v3.dev.id, "message": "m", **changes}
        assert_error(v3.api("bob").post(f"{posts_path(v3)}/create", body), 400, error_id)

    def test_a_parent_outside_the_thread_is_400(self, v3: V3World) -> None:
        root = post_create(author=v3.alice, channel=v3.dev, message="root")
        stranger = post_create(author=v3.alice, channel=v3.dev, message="other")
        body = {
            "channel_id": v3.dev.id,
            "message": "m",
            "root_id": root.id,
            "parent_id": stranger.id,
        }
        response = v3.api("bob").post(f"{posts_path(v3)}/create", body)
        assert_error(response, 400, "api.post.create_post.parent_id.app_error")

    def test_permissions_follow_the_body_channel(self, v3: V3World) -> None:
        api = v3.api("bob")
        path = f"{posts_path(v3)}/create"
        assert_error(api.post(path, {"channel_id": v3.secret.id, "message": "m"}), 403, FORBIDDEN)
        assert_error(api.post(path, {"channel_id": UNKNOWN_ID, "message": "m"}), 403, FORBIDDEN)
        admin = v3.api("dana").post(
            f"/teams/{v3.team.id}/channels/{v3.dev.id}/posts/create",
            {"channel_id": UNKNOWN_ID, "message": "m"},
        )
        assert_error(admin, 400, INVALID_PARAM)
        channel_archive(channel=v3.off_topic)
        archived = api.post(path, {"channel_id": v3.off_topic.id, "message": "m"})
        assert_error(archived, 400, "api.post.create_post.can_not_post_to_deleted.error")

    def test_only_admins_date_their_posts(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "message": "m", "create_at": 1_600_000_000_000}
        assert (
            ok(v3.api("bob").post(f"{posts_path(v3)}/create", body))["create_at"]
            > 1_600_000_000_000
        )
        dated = ok(v3.api("dana").post(f"{posts_path(v3)}/create", body))
        assert dated["create_at"] == 1_600_000_000_000

    def test_session_and_team(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "message": "m"}
        assert_error(v3.api(None).post(f"{posts_path(v3)}/create", body), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{posts_path(v3)}/create", body), 403, FORBIDDEN)
        other_team = f"/teams/{v3.beta.id}/channels/{v3.dev.id}/posts/create"
        assert_error(v3.api("bob").post(other_team, body), 403, FORBIDDEN)


class TestUpdate:
    def test_only_the_message_changes(self, v3: V3World) -> None:
        post = post_create(author=v3.bob, channel=v3.dev, message="hello", props={"keep": "me"})
        body = {
            "id": post.id,
            "channel_id": v3.dev.id,
            "message": "hello edited",
            "is_pinned": True,
            "props": {"x": "y"},
        }
        edited = ok(v3.api("bob").post(f"{posts_path(v3)}/update", body))
        assert (edited["message"], edited["is_pinned"], edited["props"]) == (
            "hello edited",
            False,
            {"keep": "me"},
        )
        assert edited["edit_at"] == edited["update_at"] > 0
        assert edited["pending_post_id"] == ""

    def test_only_the_author_edits(self, v3: V3World) -> None:
        post = post_create(author=v3.alice, channel=v3.dev, message="mine")
        body = {"id": post.id, "channel_id": v3.dev.id, "message": "yours"}
        response = v3.api("bob").post(f"{posts_path(v3)}/update", body)
        assert_error(response, 400, "api.post.update_post.permissions.app_error")

    def test_edit_rules(self, v3: V3World, mm_config: Any) -> None:
        api = v3.api("bob")
        path = f"{posts_path(v3)}/update"
        assert_error(api.post(path, {"id": UNKNOWN_ID, "message": "x"}), 404, MISSING_POST)
        assert_error(api.post(path, {"id": [1]}), 400, INVALID_PARAM)
        post = post_create(author=v3.bob, channel=v3.dev, message="old", create_at=1_000)
        mm_config(post_edit_time_limit=60)
        late = api.post(path, {"id": post.id, "message": "new"})
        assert_error(late, 400, "api.post.update_post.permissions_time_limit.app_error")
        notice = Post.objects.create(user=v3.bob, channel=v3.dev, type="system_join_channel")
        system = api.post(path, {"id": notice.id, "message": "x"})
        assert_error(system, 400, "api.post.update_post.system_message.app_error")
        secret = post_create(author=v3.bob, channel=v3.secret, message="s")
        assert_error(api.post(path, {"id": secret.id, "message": "x"}), 403, FORBIDDEN)
        assert_error(v3.api(None).post(path, {"id": post.id}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"id": post.id}), 403, FORBIDDEN)


class TestDelete:
    def test_deletes_the_thread_and_answers_the_id(self, v3: V3World) -> None:
        root = post_create(author=v3.bob, channel=v3.dev, message="root")
        reply = post_create(author=v3.alice, channel=v3.dev, message="reply", root_id=root.id)
        response = v3.api("bob").post(f"{posts_path(v3)}/{root.id}/delete")
        assert ok(response) == {"id": root.id}
        assert Post.objects.get(pk=reply.pk).delete_at > 0

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        alices = post_create(author=v3.alice, channel=v3.dev, message="hers")
        assert_error(api.post(f"{posts_path(v3)}/{alices.id}/delete"), 403, FORBIDDEN)
        assert_error(api.post(f"{posts_path(v3)}/{UNKNOWN_ID}/delete"), 403, FORBIDDEN)
        assert_error(api.post(f"{posts_path(v3)}/short/delete"), 400, INVALID_PARAM)
        own = post_create(author=v3.bob, channel=v3.square, message="mine")
        elsewhere = api.post(f"{posts_path(v3)}/{own.id}/delete")
        assert_error(elsewhere, 403, "api.post.delete_post.permissions.app_error")
        assert Post.objects.get(pk=own.pk).delete_at == 0
        assert_error(v3.api(None).post(f"{posts_path(v3)}/{own.id}/delete"), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{posts_path(v3)}/{own.id}/delete"), 403, FORBIDDEN)

    def test_team_admins_delete_others_posts(self, v3: V3World) -> None:
        bobs = post_create(author=v3.bob, channel=v3.dev, message="his")
        assert ok(v3.api("alice").post(f"{posts_path(v3)}/{bobs.id}/delete")) == {"id": bobs.id}


class TestPins:
    def test_pin_and_unpin_answer_the_post(self, v3: V3World) -> None:
        post = post_create(author=v3.alice, channel=v3.dev, message="pin me")
        pinned = ok(v3.api("bob").post(f"{posts_path(v3)}/{post.id}/pin"))
        assert pinned["is_pinned"] is True
        assert pinned["update_at"] > post.update_at
        assert pinned["edit_at"] == 0
        assert ok(v3.api("bob").post(f"{posts_path(v3)}/{post.id}/unpin"))["is_pinned"] is False

    @pytest.mark.parametrize("action", ["pin", "unpin"])
    def test_errors(self, v3: V3World, action: str) -> None:
        api = v3.api("bob")
        secret = post_create(author=v3.alice, channel=v3.secret, message="s")
        assert_error(api.post(f"{posts_path(v3)}/{secret.id}/{action}"), 403, FORBIDDEN)
        assert_error(api.post(f"{posts_path(v3)}/{UNKNOWN_ID}/{action}"), 404, MISSING_POST)
        assert_error(
            api.post(f"{posts_path(v3, 'short')}/{secret.id}/{action}"), 400, INVALID_PARAM
        )
        assert_error(v3.api(None).post(f"{posts_path(v3)}/{secret.id}/{action}"), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{posts_path(v3)}/{secret.id}/{action}"), 403, FORBIDDEN)


class TestAcrossVersions:
    def test_a_v3_thread_reads_through_v4(self, v3: V3World) -> None:
        api = v3.api("bob")
        root = ok(
            api.post(f"{posts_path(v3)}/create", {"channel_id": v3.dev.id, "message": "root"})
        )
        body = {"channel_id": v3.dev.id, "message": "reply", "root_id": root["id"]}
        reply = ok(api.post(f"{posts_path(v3)}/create", body))
        edit = {"id": reply["id"], "message": "reply, edited"}
        ok(api.post(f"{posts_path(v3)}/update", edit))
        thread = v4_get(v3, "alice", f"/posts/{root['id']}/thread")
        assert thread["posts"][reply["id"]]["message"] == "reply, edited"
        assert thread["posts"][reply["id"]]["root_id"] == root["id"]
        assert thread["posts"][root["id"]]["reply_count"] == 1

    def test_a_v4_thread_reads_through_v3(self, v3: V3World) -> None:
        root = v4_send(v3, "alice", "post", "/posts", {"channel_id": v3.dev.id, "message": "root"})
        reply = v4_send(
            v3,
            "alice",
            "post",
            "/posts",
            {"channel_id": v3.dev.id, "message": "reply", "root_id": root["id"]},
        )
        v4_send(v3, "alice", "put", f"/posts/{reply['id']}/patch", {"message": "reply, edited"})
        thread = ok(v3.api("bob").get(f"{posts_path(v3)}/{reply['id']}/get"))
        assert thread["order"] == [reply["id"]]
        v3_reply = thread["posts"][reply["id"]]
        assert (v3_reply["message"], v3_reply["parent_id"]) == ("reply, edited", root["id"])
        assert v3_reply["edit_at"] > 0
        assert list(v3_reply) == POST_KEYS

    def test_v3_edits_and_deletes_show_in_v4_pages(self, v3: V3World) -> None:
        api = v3.api("bob")
        kept = ok(api.post(f"{posts_path(v3)}/create", {"channel_id": v3.dev.id, "message": "a"}))
        gone = ok(api.post(f"{posts_path(v3)}/create", {"channel_id": v3.dev.id, "message": "b"}))
        ok(api.post(f"{posts_path(v3)}/update", {"id": kept["id"], "message": "a2"}))
        ok(api.post(f"{posts_path(v3)}/{gone['id']}/delete"))
        page = v4_get(v3, "alice", f"/channels/{v3.dev.id}/posts")
        assert page["order"] == [kept["id"]]
        assert page["posts"][kept["id"]]["message"] == "a2"
        etag = v3.api("bob").get(f"{posts_path(v3)}/page/0/60")["ETag"]
        assert etag.startswith(f"{SERVER_VERSION}.")
