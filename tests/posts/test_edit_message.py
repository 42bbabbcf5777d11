"""Changing only a post's message (API v3's update) through the service."""

from __future__ import annotations

from typing import Any

import pytest

from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.posts.models import Post
from apps.posts.services import post_create, post_edit_message
from tests.channels.v3_setup import V3World

pytestmark = pytest.mark.django_db


def test_the_message_changes_and_the_old_version_is_kept(v3: V3World) -> None:
    post = post_create(author=v3.bob, channel=v3.dev, message="hello #world", props={"a": 1})
    edited = post_edit_message(post=post, message="hello #there")
    assert (edited.message, edited.hashtags, edited.props) == ("hello #there", "#there", {"a": 1})
    assert edited.edit_at > 0
    assert Post.objects.filter(original_id=post.id, message="hello #world").exists()


def test_the_time_limit_applies_only_to_a_new_message(v3: V3World, mm_config: Any) -> None:
    post = post_create(author=v3.bob, channel=v3.dev, message="old", create_at=now_ms() - 120_000)
    mm_config(post_edit_time_limit=60)
    assert post_edit_message(post=post, message="old").edit_at == 0
    with pytest.raises(AppError) as raised:
        post_edit_message(post=post, message="new")
    assert raised.value.error_id == "api.post.update_post.permissions_time_limit.app_error"
