"""API v3 reactions: save, delete and list, and reactions shared with API v4."""

from __future__ import annotations

from typing import Any

import pytest

from apps.posts.models import Post, Reaction
from apps.posts.services import post_create, reaction_save
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


@pytest.fixture
def post(v3: V3World) -> Post:
    return post_create(author=v3.alice, channel=v3.dev, message="react to me")


def reactions_of(v3: V3World, post: Post) -> str:
    return f"{v3.of(v3.dev)}/posts/{post.id}/reactions"


def smile(v3: V3World, post: Post, who: str = "bob", **changes: Any) -> dict[str, Any]:
    user = getattr(v3, who)
    return {"user_id": user.id, "post_id": post.id, "emoji_name": "smile", **changes}


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


class TestSave:
    def test_answers_the_reaction_in_4_10s_shape(self, v3: V3World, post: Post) -> None:
        reaction = ok(v3.api("bob").post(f"{reactions_of(v3, post)}/save", smile(v3, post)))
        assert list(reaction) == ["user_id", "post_id", "emoji_name", "create_at"]
        assert (reaction["user_id"], reaction["emoji_name"]) == (v3.bob.id, "smile")
        assert Post.objects.get(pk=post.pk).has_reactions

    @pytest.mark.parametrize(
        ("changes", "status", "error_id"),
        [
            ({"emoji_name": "no spaces"}, 400, "model.reaction.is_valid.emoji_name.app_error"),
            ({"emoji_name": 5}, 400, INVALID_PARAM),
            ({"post_id": UNKNOWN_ID}, 400, INVALID_PARAM),
            ({"user_id": "q" * 26}, 403, "api.reaction.save_reaction.user_id.app_error"),
        ],
    )
    def test_bad_reactions(
        self, v3: V3World, post: Post, changes: dict[str, Any], status: int, error_id: str
    ) -> None:
        response = v3.api("bob").post(f"{reactions_of(v3, post)}/save", smile(v3, post, **changes))
        assert_error(response, status, error_id)

    def test_the_post_must_be_in_the_url_channel(self, v3: V3World) -> None:
        elsewhere = post_create(author=v3.alice, channel=v3.square, message="x")
        response = v3.api("bob").post(f"{reactions_of(v3, elsewhere)}/save", smile(v3, elsewhere))
        assert_error(response, 400, "api.reaction.save_reaction.mismatched_channel_id.app_error")
        unknown = Post(id=UNKNOWN_ID)
        missing = v3.api("bob").post(f"{reactions_of(v3, unknown)}/save", smile(v3, unknown))
        assert_error(missing, 404, MISSING_POST)

    def test_access(self, v3: V3World, post: Post) -> None:
        secret = post_create(author=v3.alice, channel=v3.secret, message="s")
        path = f"{v3.of(v3.secret)}/posts/{secret.id}/reactions/save"
        assert_error(v3.api("bob").post(path, smile(v3, secret)), 403, FORBIDDEN)
        save = f"{reactions_of(v3, post)}/save"
        assert_error(v3.api(None).post(save, smile(v3, post)), 401, NO_SESSION)
        assert_error(v3.api("carol").post(save, smile(v3, post, "carol")), 403, FORBIDDEN)


class TestDeleteAndList:
    def test_delete_answers_ok(self, v3: V3World, post: Post) -> None:
        reaction_save(user=v3.bob, post_id=post.id, emoji_name="smile")
        response = v3.api("bob").post(f"{reactions_of(v3, post)}/delete", smile(v3, post))
        assert ok(response) == {"status": "OK"}
        assert Reaction.objects.get(post=post).delete_at > 0
        assert not Post.objects.get(pk=post.pk).has_reactions

    def test_delete_errors(self, v3: V3World, post: Post) -> None:
        path = f"{reactions_of(v3, post)}/delete"
        others = smile(v3, post, "alice")
        assert_error(
            v3.api("bob").post(path, others), 403, "api.reaction.delete_reaction.user_id.app_error"
        )
        assert_error(v3.api("bob").post(path, ["x"]), 400, INVALID_PARAM)
        mismatch = smile(v3, post, post_id=UNKNOWN_ID)
        assert_error(v3.api("bob").post(path, mismatch), 400, INVALID_PARAM)
        assert_error(v3.api(None).post(path, smile(v3, post)), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, smile(v3, post, "carol")), 403, FORBIDDEN)

    def test_list_oldest_first(self, v3: V3World, post: Post) -> None:
        for who, emoji in (("bob", "smile"), ("alice", "tada")):
            reaction_save(user=getattr(v3, who), post_id=post.id, emoji_name=emoji)
        reactions = ok(v3.api("bob").get(reactions_of(v3, post)))
        assert [(r["user_id"], r["emoji_name"]) for r in reactions] == [
            (v3.bob.id, "smile"),
            (v3.alice.id, "tada"),
        ]

    def test_list_errors(self, v3: V3World, post: Post) -> None:
        api = v3.api("bob")
        elsewhere = post_create(author=v3.alice, channel=v3.square, message="x")
        assert_error(
            api.get(reactions_of(v3, elsewhere)),
            400,
            "api.reaction.list_reactions.mismatched_channel_id.app_error",
        )
        assert_error(api.get(reactions_of(v3, Post(id=UNKNOWN_ID))), 404, MISSING_POST)
        assert_error(api.get(f"{v3.of(v3.secret)}/posts/{post.id}/reactions"), 403, FORBIDDEN)
        assert_error(v3.api(None).get(reactions_of(v3, post)), 401, NO_SESSION)
        assert_error(v3.api("carol").get(reactions_of(v3, post)), 403, FORBIDDEN)


class TestAcrossVersions:
    def test_reactions_go_both_ways(self, v3: V3World, post: Post) -> None:
        ok(v3.api("bob").post(f"{reactions_of(v3, post)}/save", smile(v3, post)))
        v4 = v3.client.get(f"/api/v4/posts/{post.id}/reactions", **bearer(v3.tokens["alice"]))
        assert [r["emoji_name"] for r in v4.json()] == ["smile"]
        body = {"user_id": v3.alice.id, "post_id": post.id, "emoji_name": "tada"}
        saved = v3.client.post(
            "/api/v4/reactions", body, content_type="application/json", **bearer(v3.tokens["alice"])
        )
        assert saved.status_code == 200
        names = [r["emoji_name"] for r in ok(v3.api("bob").get(reactions_of(v3, post)))]
        assert names == ["smile", "tada"]
        thread = ok(v3.api("bob").get(f"{v3.of(v3.dev)}/posts/{post.id}/get"))
        assert thread["posts"][post.id]["has_reactions"] is True
