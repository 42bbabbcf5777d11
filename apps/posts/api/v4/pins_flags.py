"""Pinned and flagged (saved) posts over API v4: pinning and unpinning, a channel's pinned
posts, and a user's flagged posts (named by their ``flagged_post`` preferences)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_self_or_permission
from apps.channels.api.v4.access import can_read
from apps.channels.permissions import has_channel_permission
from apps.core.errors import permission_denied
from apps.core.etag import etag_response
from apps.core.pagination import page_from
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.posts.api.v4.post_lists import post_list_etag, posts_in_order_json
from apps.posts.models import Post
from apps.posts.reaction_selectors import (
    READ_CONTENT,
    flagged_posts,
    pinned_posts,
    readable_channel_ids,
)
from apps.posts.services.pins import post_set_pinned


class PinView(MattermostView):
    """``POST /posts/{post_id}/pin`` and ``/unpin``: anyone who may read the channel may pin
    or unpin its posts."""

    pinned = True

    @extend_schema(operation_id="PinPost", responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        post = Post.objects.select_related("channel").filter(pk=post_id, delete_at=0).first()
        # An unknown post is refused like an unreadable one (Mattermost does the same).
        if post is None or not can_read(actor, post.channel):
            raise permission_denied(actor.id, READ_CONTENT)
        post_set_pinned(post=post, pinned=self.pinned)
        return Response(STATUS_OK)


class UnpinView(PinView):
    pinned = False

    @extend_schema(operation_id="UnpinPost", responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, post_id: str) -> Response:
        return super().post(request, post_id)


class PinnedPostsView(MattermostView):
    """``GET /channels/{channel_id}/pinned``: the channel's pinned posts, oldest first as
    Mattermost orders them, with the PostList ETag."""

    @extend_schema(operation_id="GetPinnedPosts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        actor = session_user(request)
        if not has_channel_permission(actor, channel_id, "read_channel"):
            raise permission_denied(actor.id, "read_channel")
        posts = pinned_posts(channel_id)
        etag = post_list_etag([post.id for post in posts], {post.id: post for post in posts})
        return etag_response(request, etag, lambda: posts_in_order_json(posts))


class FlaggedPostsView(MattermostView):
    """``GET /users/{user_id}/posts/flagged``: a page of the posts the user flagged, newest
    first, keeping only those the caller may (still) read. As in Mattermost the page is
    cut before that filter, so a page may hold fewer posts than ``per_page``."""

    @extend_schema(
        operation_id="GetFlaggedPostsForUser",
        parameters=[
            OpenApiParameter("channel_id", OpenApiTypes.STR),
            OpenApiParameter("team_id", OpenApiTypes.STR),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("per_page", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        posts = flagged_posts(
            user_id=user_id,
            channel_id=request.query_params.get("channel_id", ""),
            team_id=request.query_params.get("team_id", ""),
            page=page_from(request),
        )
        readable = readable_channel_ids(actor, [post.channel for post in posts])
        return Response(posts_in_order_json([p for p in posts if p.channel_id in readable]))


urlpatterns: list[URLPattern] = [
    path("posts/<str:post_id>/pin", PinView.as_view(), name="post-pin"),
    path("posts/<str:post_id>/unpin", UnpinView.as_view(), name="post-unpin"),
    path("channels/<str:channel_id>/pinned", PinnedPostsView.as_view(), name="channel-pinned"),
    path("users/<str:user_id>/posts/flagged", FlaggedPostsView.as_view(), name="user-flagged"),
]
