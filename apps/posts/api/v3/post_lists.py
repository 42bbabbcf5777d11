"""API v3 post reads, each a ``PostList``: a channel's pages (by offset, since a time,
before or after a post), a post's thread (in its channel, in the team, or as a permalink
that joins the caller to a public channel), a channel's pinned posts and the caller's
flagged posts. Every list costs the same queries however many posts it holds."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.channels import services as channel_services
from apps.channels.api.v3.access import v3_id
from apps.channels.api.v4.access import channel_or_404
from apps.channels.models import CHANNEL_OPEN, Channel
from apps.channels.permissions import require_channel_permission
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import url_number
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.pagination import rows_from
from apps.core.views import session_user
from apps.posts import selectors
from apps.posts.api.v3.wire import post_list_v3, posts_in_order_v3
from apps.posts.api.v4.post_lists import channel_posts_etag, post_list_etag
from apps.posts.errors import missing_post
from apps.posts.models import Post
from apps.posts.reaction_selectors import flagged_posts, pinned_posts, readable_channel_ids
from apps.teams.permissions import require_team_permission

TEAM = "teams/<v3id:team_id>"
ONE_CHANNEL = f"{TEAM}/channels/<v3id:channel_id>"
ONE_POST = f"{ONE_CHANNEL}/posts/<v3id:post_id>"


def _readable_channel(request: Request, channel_id: str) -> Channel:
    """The channel of a v3 post list: ``read_channel`` on it (checked first, so an unknown
    channel is a 403 to all but system admins), then it must exist."""
    channel_id = v3_id(channel_id, "channel_id")
    require_channel_permission(session_user(request), channel_id, "read_channel")
    return channel_or_404(channel_id)


def _thread_of(post_id: str) -> tuple[Post, dict[str, Post]]:
    """A live post and every live post of its thread (its root and all replies)."""
    post = selectors.live_post_get(post_id)
    if post is None:
        raise missing_post()
    thread = selectors.thread_page(root_id=post.root_id or post.id, include_root=True)
    posts = {item.id: item for item in thread.posts}
    posts[post.id] = post
    return post, posts


def _thread_response(request: Request, post: Post, posts: dict[str, Post]) -> Response:
    """The thread as v3 sends it: ``order`` is the requested post alone."""
    order = [post.id]
    return etag_response(request, post_list_etag(order, posts), lambda: post_list_v3(order, posts))


class PostsPageView(V3View):
    """``GET .../posts/page/{offset}/{limit}``: ``limit`` posts, newest first, skipping the
    ``offset`` newest; the threads of its replies come along."""

    @extend_schema(operation_id="v3GetPosts", responses={200: OpenApiTypes.OBJECT})
    def get(
        self, request: Request, team_id: str, channel_id: str, offset: int, limit: int
    ) -> Response:
        require_team_in_url(request, team_id)
        window = rows_from(url_number(offset, "offset"), url_number(limit, "limit"))
        channel = _readable_channel(request, channel_id)

        def body() -> dict[str, object]:
            rows, posts = selectors.channel_page_with_threads(
                channel.id, window, skip_threads=False, collapsed=False, include_deleted=False
            )
            return post_list_v3([post.id for post in rows], posts)

        return etag_response(request, channel_posts_etag(channel.id, collapsed=False), body)


class PostsSinceView(V3View):
    """``GET .../posts/since/{time}``: every post changed after ``time`` (edited and
    deleted ones too), with the roots of changed replies."""

    @extend_schema(operation_id="v3GetPostsSince", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str, time: int) -> Response:
        require_team_in_url(request, team_id)
        since = url_number(time, "time")
        channel = _readable_channel(request, channel_id)
        changed, posts = selectors.channel_changes_since(channel_id=channel.id, since=since)
        return Response(post_list_v3([post.id for post in changed], posts))


class PostsAroundView(V3View):
    """``GET .../posts/{post_id}/before/{offset}/{num_posts}`` (and ``after``): posts
    created before (after) the post, newest first, skipping ``offset`` of the nearest."""

    before = True

    @extend_schema(operation_id="v3GetPostsBefore", responses={200: OpenApiTypes.OBJECT})
    def get(
        self,
        request: Request,
        team_id: str,
        channel_id: str,
        post_id: str,
        offset: int,
        num_posts: int,
    ) -> Response:
        require_team_in_url(request, team_id)
        post_id = v3_id(post_id, "post_id")
        count = url_number(num_posts, "num_posts")
        if count <= 0:
            raise invalid_param("num_posts")
        window = rows_from(url_number(offset, "offset"), count)
        channel = _readable_channel(request, channel_id)

        def body() -> dict[str, object]:
            rows, posts = selectors.channel_page_beside_post(
                channel.id,
                post_id,
                window,
                before=self.before,
                skip_threads=False,
                collapsed=False,
                # 4.10 brought the threads of the page's replies only.
                threads_of_roots=False,
            )
            return post_list_v3([post.id for post in rows], posts)

        # The channel's etag, as 4.10 used for these pages too.
        return etag_response(request, channel_posts_etag(channel.id, collapsed=False), body)


class PostsAfterView(PostsAroundView):
    before = False

    @extend_schema(operation_id="v3GetPostsAfter", responses={200: OpenApiTypes.OBJECT})
    def get(
        self,
        request: Request,
        team_id: str,
        channel_id: str,
        post_id: str,
        offset: int,
        num_posts: int,
    ) -> Response:
        return super().get(request, team_id, channel_id, post_id, offset, num_posts)


class PostThreadView(V3View):
    """``GET .../posts/{post_id}/get``: the post's thread, if the post is in that channel."""

    @extend_schema(operation_id="v3GetPost", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        post_id = v3_id(post_id, "post_id")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        post, posts = _thread_of(post_id)
        if post.channel_id != channel_id:
            raise AppError(
                "api.post.get_post.permissions.app_error", "The post is not in that channel.", 403
            )
        return _thread_response(request, post, posts)


class TeamPostView(V3View):
    """``GET /teams/{team_id}/posts/{post_id}``: a post's thread, found without its channel."""

    @extend_schema(operation_id="v3GetPostById", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        post, posts = _thread_of(v3_id(post_id, "post_id"))
        require_channel_permission(session_user(request), post.channel_id, "read_channel")
        return _thread_response(request, post, posts)


class PermalinkView(V3View):
    """``GET /teams/{team_id}/pltmp/{post_id}``: a post's thread for a permalink; the
    caller joins the post's public channel if they are not in it yet."""

    @extend_schema(operation_id="v3GetPermalinkTmp", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        post_id = v3_id(post_id, "post_id")
        actor = session_user(request)
        found = selectors.live_post_get(post_id, include_deleted=True)
        if found is None:
            raise invalid_param("post_id")
        channel = found.channel
        needed = "join_public_channels" if channel.type == CHANNEL_OPEN else "read_channel"
        require_channel_permission(actor, channel.id, needed)
        post, posts = _thread_of(post_id)
        channel_services.channel_join(channel=channel, user=actor)
        return _thread_response(request, post, posts)


class PinnedPostsView(V3View):
    """``GET channels/{channel_id}/pinned``: the channel's pinned posts, oldest first."""

    @extend_schema(operation_id="v3GetPinnedPosts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel = _readable_channel(request, channel_id)
        return Response(posts_in_order_v3(pinned_posts(channel.id)))


class FlaggedPostsView(V3View):
    """``GET /teams/{team_id}/posts/flagged/{offset}/{limit}``: the caller's flagged posts
    in this team and in their direct and group channels, newest first, among those they
    may still read. ``offset`` counts posts."""

    @extend_schema(operation_id="v3GetFlaggedPosts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, offset: int, limit: int) -> Response:
        require_team_in_url(request, team_id)
        window = rows_from(url_number(offset, "offset"), url_number(limit, "limit"))
        actor = session_user(request)
        require_team_permission(actor, team_id, "view_team")
        posts = flagged_posts(user_id=actor.id, channel_id="", team_id=team_id, page=window)
        readable = readable_channel_ids(actor, [post.channel for post in posts])
        return Response(posts_in_order_v3([p for p in posts if p.channel_id in readable]))


urlpatterns: list[URLPattern] = [
    path(
        f"{ONE_CHANNEL}/posts/page/<int:offset>/<int:limit>",
        PostsPageView.as_view(),
        name="posts-page",
    ),
    path(f"{ONE_CHANNEL}/posts/since/<int:time>", PostsSinceView.as_view(), name="posts-since"),
    path(f"{ONE_POST}/get", PostThreadView.as_view(), name="post-thread"),
    path(
        f"{ONE_POST}/before/<int:offset>/<int:num_posts>",
        PostsAroundView.as_view(),
        name="posts-before",
    ),
    path(
        f"{ONE_POST}/after/<int:offset>/<int:num_posts>",
        PostsAfterView.as_view(),
        name="posts-after",
    ),
    path(f"{ONE_CHANNEL}/pinned", PinnedPostsView.as_view(), name="channel-pinned"),
    path(
        f"{TEAM}/posts/flagged/<int:offset>/<int:limit>",
        FlaggedPostsView.as_view(),
        name="posts-flagged",
    ),
    path(f"{TEAM}/posts/<v3id:post_id>", TeamPostView.as_view(), name="team-post"),
    path(f"{TEAM}/pltmp/<v3id:post_id>", PermalinkView.as_view(), name="permalink"),
]
