"""Reads of posts and reactions."""

from __future__ import annotations

from apps.posts.models import Post


def post_get(post_id: str) -> Post | None:
    return Post.objects.filter(pk=post_id).first()
