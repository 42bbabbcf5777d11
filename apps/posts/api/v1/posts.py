"""Posts on API v1: creating and editing (under ``/channels/{id}/``), a channel's pages by
offset, its changes since a time, the posts before or after one, a thread, and deleting.

A channel's posts are for its members, in the session's team (else 403, as 1.x refused).
Every list is 1.x's ``PostList``, with the whole thread of each reply in it. Post search
is in ``search``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.channels.api.v1.access import member_channel
from apps.channels.api.v1.channels import channel_url
from apps.channels.models import Channel
from apps.channels.permissions import require_channel_permission
from apps.core.api.v1.base import (
    ID,
    V1View,
    invalid_param,
    not_permitted,
    param_id,
    v1_cached,
    v1_etag,
)
from apps.core.body import body_object, optional_map, optional_str
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.pagination import OffsetPage
from apps.core.views import session_user
from apps.posts import selectors, services
from apps.posts.api.v1.wire import v1_post, v1_post_list
from apps.posts.api.v4.post_lists import newest_first
from apps.posts.models import Post
from apps.posts.services.edit import SYSTEM_TYPE_PREFIX
from apps.posts.validators import client_props

# 1.x refused pages of more posts than this.
MAX_PAGE = 1000
# Later than any post (and within what databases take as an integer).
MAX_TIME = 2**62


def page_limit(raw: str, name: str) -> int:
    limit = int(raw)
    if limit > MAX_PAGE:
        raise AppError(
            "store.sql_post.get_posts.app_error",
            f"At most {MAX_PAGE} posts can be read at a time.",
            400,
        )
    if limit <= 0 and name == "numPosts":
        raise invalid_param(name)
    return limit


def channel_posts_etag(channel_id: str) -> str:
    """The channel's latest post change; a channel without posts gets the current time,
    so it never matches."""
    last = selectors.channel_posts_last_update(channel_id=channel_id)
    return v1_etag(channel_id, now_ms() if last is None else last)


def page_with_threads(channel: Channel, rows: list[Post]) -> dict[str, object]:
    """The PostList of ``rows`` (newest first), with the thread of each reply among them."""
    roots = [post.root_id for post in rows if post.root_id]
    posts = selectors.posts_with_threads(channel.id, rows, roots_of=roots, skip_threads=False)
    return v1_post_list([post.id for post in rows], posts)


def thread_etag(order: list[str], posts: Mapping[str, Post]) -> str:
    latest = max(posts.values(), key=lambda post: (post.update_at, post.id))
    return v1_etag(order[0], latest.id, latest.update_at)


class CreatePostView(V1View):
    """``POST /channels/{id}/create``: a new post in the channel the body's ``channel_id``
    names (it wins over the URL, as in 1.x)."""

    @extend_schema(operation_id="v1CreatePost", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, channel_id: str) -> Response:
        data = body_object(request, "post")
        root_id = optional_str(data, "root_id") or ""
        if root_id and not is_valid_id(root_id):
            raise invalid_param("RootId")
        post_type = optional_str(data, "type") or ""
        if post_type.startswith(SYSTEM_TYPE_PREFIX):
            raise invalid_param("type")
        channel, _ = member_channel(request, optional_str(data, "channel_id") or channel_id)
        actor = session_user(request)
        require_channel_permission(actor, channel.id, "create_post")
        post = services.post_create(
            author=actor,
            channel=channel,
            message=optional_str(data, "message") or "",
            root_id=root_id,
            props=client_props(optional_map(data, "props"), actor),
            pending_post_id=optional_str(data, "pending_post_id") or "",
            type=post_type,
        )
        return Response(v1_post(post, pending=True))


class UpdatePostView(V1View):
    """``POST /channels/{id}/update``: ``{id, channel_id, message}``; authors edit their
    own posts only."""

    @extend_schema(operation_id="v1UpdatePost", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, channel_id: str) -> Response:
        data = body_object(request, "post")
        message = optional_str(data, "message") or ""
        channel, _ = member_channel(request, optional_str(data, "channel_id") or "")
        post = selectors.post_get(optional_str(data, "id") or "")
        if post is None or post.channel_id != channel.id:
            raise AppError(
                "api.post.update_post.find.app_error",
                "No such post to edit.",
                400,
            )
        actor = session_user(request)
        if post.user_id != actor.id or post.delete_at:
            raise not_permitted(f"oldUserId={post.user_id}")
        require_channel_permission(actor, channel.id, "edit_post")
        post = services.post_patch(post=post, message=message)
        return Response(v1_post(post))


class ChannelPostsView(V1View):
    """``GET /channels/{id}/posts/{offset}/{limit}``: the channel's posts, newest first."""

    @extend_schema(operation_id="v1GetPosts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str, offset: str, limit: str) -> Response:
        page = OffsetPage(per_page=page_limit(limit, "limit"), start=int(offset))
        channel, _ = member_channel(request, channel_id)
        return v1_cached(
            request,
            channel_posts_etag(channel.id),
            lambda: page_with_threads(
                channel, selectors.channel_posts_page(channel_id=channel.id, page=page)
            ),
        )


class ChannelPostsSinceView(V1View):
    """``GET /channels/{id}/posts/{time}``: the posts changed after ``time`` (ms), deleted
    ones included, so a client can catch up."""

    @extend_schema(operation_id="v1GetPostsSince", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str, since: str) -> Response:
        channel, _ = member_channel(request, channel_id)
        changed = [
            post
            for post in selectors.channel_posts_since(
                channel_id=channel.id, since=min(int(since), MAX_TIME)
            )
            if not post.original_id  # earlier versions of edited posts: 1.x edited in place
        ]
        roots = [post.root_id for post in changed if post.root_id]
        posts = selectors.posts_with_threads(channel.id, changed, roots_of=roots, skip_threads=True)
        return Response(v1_post_list(newest_first(changed), posts))


class PostsBeforeView(V1View):
    """``GET /channels/{id}/post/{post_id}/before/{offset}/{num_posts}``: the posts
    created before one, newest first."""

    before = True

    @extend_schema(operation_id="v1GetPostsBefore", responses={200: OpenApiTypes.OBJECT})
    def get(
        self, request: Request, channel_id: str, post_id: str, offset: str, num_posts: str
    ) -> Response:
        param_id(post_id, "postId")
        page = OffsetPage(per_page=page_limit(num_posts, "numPosts"), start=int(offset))
        channel, _ = member_channel(request, channel_id)
        return v1_cached(
            request,
            channel_posts_etag(channel.id),
            lambda: page_with_threads(
                channel,
                selectors.channel_posts_beside(
                    channel_id=channel.id, post_id=post_id, before=self.before, page=page
                ),
            ),
        )


class PostsAfterView(PostsBeforeView):
    """``.../after/{offset}/{num_posts}``: the posts created after one, newest first."""

    before = False

    @extend_schema(operation_id="v1GetPostsAfter", responses={200: OpenApiTypes.OBJECT})
    def get(
        self, request: Request, channel_id: str, post_id: str, offset: str, num_posts: str
    ) -> Response:
        return super().get(request, channel_id, post_id, offset, num_posts)


def thread_response(request: Request, post: Post) -> Response:
    """The PostList of ``post``: its id alone in ``order``, its whole thread in ``posts``."""
    thread = selectors.thread_page(root_id=post.root_id or post.id, include_root=True)
    posts = {item.id: item for item in thread.posts}
    posts[post.id] = post
    order = [post.id]
    return v1_cached(request, thread_etag(order, posts), lambda: v1_post_list(order, posts))


def live_post(post_id: str) -> Post:
    post = selectors.live_post_get(param_id(post_id, "postId"))
    if post is None:
        raise AppError("app.post.get.app_error", "No such post.", 500, f"id={post_id}")
    return post


class ChannelPostView(V1View):
    """``GET /channels/{id}/post/{post_id}``: a post of the channel, with its thread."""

    @extend_schema(operation_id="v1GetPost", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str, post_id: str) -> Response:
        channel, _ = member_channel(request, channel_id)
        post = live_post(post_id)
        if post.channel_id != channel.id:
            raise not_permitted()
        return thread_response(request, post)


class PostView(V1View):
    """``GET /posts/{post_id}``: a post of one of the caller's channels, with its thread."""

    @extend_schema(operation_id="v1GetPostById", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, post_id: str) -> Response:
        post = live_post(post_id)
        member_channel(request, post.channel_id)
        return thread_response(request, post)


class DeletePostView(V1View):
    """``POST /channels/{id}/post/{post_id}/delete``: by its author, or whoever may delete
    others' posts (team admins); a thread's root takes its replies along. ``{id}``."""

    @extend_schema(operation_id="v1DeletePost", request=None)
    def post(self, request: Request, channel_id: str, post_id: str) -> Response:
        channel, _ = member_channel(request, channel_id)
        post = selectors.live_post_get(param_id(post_id, "postId"))
        if post is None:
            raise invalid_param("postId")
        actor = session_user(request)
        if post.channel_id != channel.id:
            raise not_permitted()
        own = post.user_id == actor.id
        require_channel_permission(
            actor, channel.id, "delete_post" if own else "delete_others_posts"
        )
        services.post_delete(post=post, deleter=actor)
        return Response({"id": post.id})


def post_url(suffix: str) -> str:
    return channel_url(rf"post/(?P<post_id>{ID}){suffix}")


urlpatterns: list[URLPattern] = [
    re_path(channel_url("create"), CreatePostView.as_view(), name="post-create"),
    re_path(channel_url("update"), UpdatePostView.as_view(), name="post-update"),
    re_path(
        channel_url("posts/(?P<offset>[0-9]+)/(?P<limit>[0-9]+)"),
        ChannelPostsView.as_view(),
        name="channel-posts",
    ),
    re_path(
        channel_url("posts/(?P<since>[0-9]+)"),
        ChannelPostsSinceView.as_view(),
        name="channel-posts-since",
    ),
    re_path(post_url(""), ChannelPostView.as_view(), name="channel-post"),
    re_path(post_url("/delete"), DeletePostView.as_view(), name="post-delete"),
    re_path(
        post_url("/before/(?P<offset>[0-9]+)/(?P<num_posts>[0-9]+)"),
        PostsBeforeView.as_view(),
        name="posts-before",
    ),
    re_path(
        post_url("/after/(?P<offset>[0-9]+)/(?P<num_posts>[0-9]+)"),
        PostsAfterView.as_view(),
        name="posts-after",
    ),
    re_path(rf"^posts/(?P<post_id>{ID})$", PostView.as_view(), name="post"),
]
