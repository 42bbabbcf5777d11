"""Reading posts: a channel's pages (default, before/after and since modes), one post,
posts by ids, a thread, the posts around a member's first unread one, and "mark as
unread". Every list is Mattermost's ``PostList``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_self_or_permission
from apps.accounts.selectors import user_get_or_404
from apps.channels.api.v4.access import can_read_public, channel_or_404
from apps.channels.models import CHANNEL_OPEN, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_member_get
from apps.core.clock import now_ms
from apps.core.errors import AppError, invalid_body_param, invalid_url_param, permission_denied
from apps.core.etag import client_has, etag_response, make_etag, not_modified
from apps.core.ids import is_valid_id
from apps.core.pagination import MAX_PER_PAGE, Page, page_from
from apps.core.views import MattermostView, query_flag, session_user, url_id, url_user_id
from apps.posts import selectors
from apps.posts.errors import missing_post
from apps.posts.file_selectors import FileInfosById, file_infos_for_posts
from apps.posts.models import Post
from apps.posts.reaction_selectors import reactions_for_posts
from apps.posts.services import post_set_unread
from apps.posts.wire import post_fields

POST_ID = OpenApiParameter("post_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CHANNEL_ID = OpenApiParameter("channel_id", OpenApiTypes.STR, OpenApiParameter.PATH)
USER_ID = OpenApiParameter("user_id", OpenApiTypes.STR, OpenApiParameter.PATH)
# POST /posts/ids takes at most this many ids.
MAX_POSTS_BY_IDS = 1000
# Go's strconv.ParseInt / Atoi: an optional sign and decimal digits, within int64.
_INT64 = re.compile(r"[+-]?[0-9]{1,19}")
_INT64_MAX = 2**63 - 1
ReactionsById = Mapping[str, list[dict[str, Any]]]


def can_read_content(user: User, channel: Channel) -> bool:
    """Mattermost's ``HasPermissionToReadChannel``: ``read_channel_content`` on the
    channel, or a public channel and ``read_public_channel`` in its team."""
    return has_channel_permission(user, channel.id, "read_channel_content") or can_read_public(
        user, channel
    )


def require_read_content(user: User, channel: Channel) -> None:
    if not can_read_content(user, channel):
        raise permission_denied(user.id, "read_channel_content")


def _int64(raw: str, name: str) -> int:
    """A Go ``ParseInt`` query parameter: "" is 0, anything unparsable a 400."""
    if raw == "":
        return 0
    if not _INT64.fullmatch(raw) or abs(int(raw)) > _INT64_MAX:
        raise invalid_body_param(name)
    return int(raw)


def _optional_id(request: Request, name: str) -> str:
    value = request.query_params.get(name, "")
    if value and not is_valid_id(value):
        raise invalid_body_param(name)
    return value


def _limit(request: Request, name: str) -> int:
    """``limit_before`` / ``limit_after``: 60 when missing or bad, at most 200."""
    raw = request.query_params.get(name, "")
    value = int(raw) if _INT64.fullmatch(raw) and abs(int(raw)) <= _INT64_MAX else -1
    if value < 0:
        return 60
    return min(value, MAX_PER_PAGE)


# The PostList body


def post_list_json(
    order: Iterable[str],
    posts: Mapping[str, Post],
    *,
    next_post_id: str = "",
    prev_post_id: str = "",
    has_next: bool | None = None,
    participant_ids_for: Iterable[str] = (),
    reactions: ReactionsById | None = None,
) -> dict[str, Any]:
    """Mattermost's ``PostList``. Replies carry their thread's reply count, as the Go
    server's queries compute it; the posts in ``participant_ids_for`` (collapsed-thread
    roots) list their participants as user stubs, every other post has none."""
    stubs = set(participant_ids_for)
    if reactions is None:
        reactions = reactions_of_reacted(posts.values())
    files = file_infos_for_posts(posts.values())
    body: dict[str, Any] = {
        "order": list(order),
        "posts": {
            post_id: _post_json(
                post,
                posts,
                with_participants=post_id in stubs,
                reactions=reactions,
                files=files,
            )
            for post_id, post in posts.items()
        },
        "next_post_id": next_post_id,
        "prev_post_id": prev_post_id,
    }
    if has_next is not None:
        body["has_next"] = has_next
    body["first_inaccessible_post_time"] = 0
    return body


def posts_in_order_json(posts: list[Post]) -> dict[str, Any]:
    """The ``PostList`` of exactly ``posts``, in the given order (no threads added)."""
    return post_list_json([post.id for post in posts], {post.id: post for post in posts})


def reactions_of_reacted(posts: Iterable[Post]) -> ReactionsById:
    """``metadata.reactions`` for the posts that have any: one query, none when no post
    has reactions."""
    reacted = [post.id for post in posts if post.has_reactions]
    return reactions_for_posts(reacted) if reacted else {}


def _post_json(
    post: Post,
    posts: Mapping[str, Post],
    *,
    with_participants: bool = False,
    reactions: ReactionsById | None = None,
    files: FileInfosById | None = None,
    root_reply_count: int | None = None,
) -> dict[str, Any]:
    data = post_fields(
        post, reactions=(reactions or {}).get(post.id), files=(files or {}).get(post.id)
    )
    if not post.is_root:
        root = posts.get(post.root_id)
        if root is not None:
            data["reply_count"] = root.reply_count
        elif root_reply_count is not None:
            data["reply_count"] = root_reply_count
    if with_participants:
        data["participants"] = [{"id": user_id} for user_id in post.participants]
    return data


def newest_first(posts: Iterable[Post]) -> list[str]:
    return [post.id for post in sorted(posts, key=lambda p: (p.create_at, p.id), reverse=True)]


def _cursor_after(channel_id: str, order: list[Post], *, collapsed: bool) -> str:
    if not order:
        return ""
    return selectors.channel_post_id_beside_time(
        channel_id=channel_id, time=order[0].create_at, before=False, collapsed=collapsed
    )


def _cursor_before(channel_id: str, order: list[Post], *, collapsed: bool) -> str:
    if not order:
        return ""
    return selectors.channel_post_id_beside_time(
        channel_id=channel_id, time=order[-1].create_at, before=True, collapsed=collapsed
    )


def channel_posts_etag(channel_id: str, *, collapsed: bool) -> str:
    """``<version>.<latest update_at of the channel's posts>``; a channel without posts
    gets the current time, as Mattermost does, so it never matches."""
    last = selectors.channel_posts_last_update(channel_id=channel_id, collapsed=collapsed)
    if last is None:
        last = now_ms()
    return make_etag(last)


class ChannelPostsView(MattermostView):
    """``GET /channels/{channel_id}/posts``."""

    @extend_schema(
        operation_id="GetPostsForChannel",
        parameters=[
            CHANNEL_ID,
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("per_page", OpenApiTypes.INT),
            OpenApiParameter("since", OpenApiTypes.INT),
            OpenApiParameter("before", OpenApiTypes.STR),
            OpenApiParameter("after", OpenApiTypes.STR),
            OpenApiParameter("include_deleted", OpenApiTypes.BOOL),
            OpenApiParameter("skipFetchThreads", OpenApiTypes.BOOL),
            OpenApiParameter("collapsedThreads", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        after = _optional_id(request, "after")
        before = _optional_id(request, "before")
        since = _int64(request.query_params.get("since", ""), "since")
        skip_threads = query_flag(request, "skipFetchThreads")
        collapsed = query_flag(request, "collapsedThreads")
        include_deleted = query_flag(request, "include_deleted")
        actor = session_user(request)
        if include_deleted and not has_system_permission(actor, "manage_system"):
            raise permission_denied(actor.id, "read_deleted_posts")
        channel = channel_or_404(channel_id)
        require_read_content(actor, channel)
        page = page_from(request)

        if since > 0:
            return Response(self._since(channel.id, since, collapsed=collapsed))

        etag = channel_posts_etag(channel.id, collapsed=collapsed)
        if client_has(request, etag):
            return not_modified(etag)
        pivot = after or before
        if pivot:
            rows, posts = selectors.channel_page_beside_post(
                channel.id,
                pivot,
                page,
                before=bool(before) and not after,
                skip_threads=skip_threads,
                collapsed=collapsed,
                include_deleted=include_deleted,
            )
        else:
            rows, posts = selectors.channel_page_with_threads(
                channel.id,
                page,
                skip_threads=skip_threads,
                collapsed=collapsed,
                include_deleted=include_deleted,
            )
        next_id: str | None = None
        prev_id: str | None = None
        if after:
            if page.page == 0:
                prev_id = after
            if len(rows) < page.per_page:
                next_id = ""
        elif before:
            if page.page == 0:
                next_id = before
            if len(rows) < page.per_page:
                prev_id = ""
        if next_id is None:
            next_id = _cursor_after(channel.id, rows, collapsed=collapsed)
        if prev_id is None:
            prev_id = _cursor_before(channel.id, rows, collapsed=collapsed)
        body = post_list_json(
            [post.id for post in rows], posts, next_post_id=next_id, prev_post_id=prev_id
        )
        return Response(body, headers={"ETag": etag})

    @staticmethod
    def _since(channel_id: str, since: int, *, collapsed: bool) -> dict[str, Any]:
        """Everything changed after ``since`` (no cursors, no etag): the changed posts in
        ``order``, their roots in ``posts`` only."""
        changed, posts = selectors.channel_changes_since(
            channel_id=channel_id, since=since, collapsed=collapsed
        )
        return post_list_json([post.id for post in changed], posts)


class PostView(MattermostView):
    """``GET /posts/{post_id}``; the writes' view of the same URL extends this one."""

    @extend_schema(
        operation_id="GetPost",
        parameters=[POST_ID, OpenApiParameter("include_deleted", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        include_deleted = query_flag(request, "include_deleted")
        if include_deleted and not has_system_permission(actor, "manage_system"):
            raise permission_denied(actor.id, "manage_system")
        post = selectors.live_post_get(post_id, include_deleted=include_deleted)
        if post is None:
            raise missing_post()
        require_post_readable(actor, post)
        etag = make_etag(post.id, post.update_at)

        def body() -> dict[str, Any]:
            counts = selectors.reply_counts_of_roots([post.root_id] if post.root_id else [])
            return _post_json(
                post,
                {},
                root_reply_count=counts.get(post.root_id),
                reactions=reactions_of_reacted([post]),
                files=file_infos_for_posts([post]),
            )

        return etag_response(request, etag, body)


def require_post_readable(actor: User, post: Post) -> None:
    """Mattermost's ``GetPostIfAuthorized`` check, naming the permission it lacked."""
    channel = channel_or_404(post.channel_id)
    if can_read_content(actor, channel):
        return
    missing = "read_public_channel" if channel.type == CHANNEL_OPEN else "read_channel_content"
    raise permission_denied(actor.id, missing)


class PostsByIdsView(MattermostView):
    """``POST /posts/ids``: the readable posts among up to 1000 ids, newest first."""

    @extend_schema(
        operation_id="getPostsByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        try:
            data = request.data
        except ParseError as error:
            raise _payload_error() from error
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise _payload_error()
        ids = sorted(set(data))
        if not ids:
            raise invalid_body_param("post_ids")
        if len(ids) > MAX_POSTS_BY_IDS:
            raise AppError(
                "api.post.posts_by_ids.invalid_body.request_error",
                f"Ask for at most {MAX_POSTS_BY_IDS} posts at a time.",
                400,
            )
        actor = session_user(request)
        found = selectors.posts_by_ids(ids)
        readable: dict[str, bool] = {}
        posts: list[Post] = []
        for post in sorted(found, key=lambda p: (p.create_at, p.id), reverse=True):
            if post.channel_id not in readable:
                readable[post.channel_id] = can_read_content(actor, post.channel)
            if readable[post.channel_id]:
                posts.append(post)
        by_id = {post.id: post for post in posts}
        missing_roots = {p.root_id for p in posts if p.root_id and p.root_id not in by_id}
        counts = selectors.reply_counts_of_roots(missing_roots)
        files = file_infos_for_posts(posts)
        body = [
            _post_json(post, by_id, root_reply_count=counts.get(post.root_id), files=files)
            for post in posts
        ]
        return Response(body, headers={"First-Inaccessible-Post-Time": "0"})


def _payload_error() -> AppError:
    return AppError("api.payload.parse.error", "The body must be a JSON array of post ids.", 400)


def post_list_etag(order: list[str], posts: Mapping[str, Post]) -> str:
    """Mattermost's ``PostList.Etag``: the first id in ``order``, then the id and time of
    the latest change among the posts."""
    latest_id, latest = "0", 0
    for post in posts.values():
        if post.update_at > latest or (post.update_at == latest and post.id > latest_id):
            latest_id, latest = post.id, post.update_at
    return make_etag(order[0] if order else "", latest_id, latest)


class PostThreadView(MattermostView):
    """``GET /posts/{post_id}/thread``: the post, its root and the thread's replies."""

    @extend_schema(
        operation_id="GetPostThread",
        parameters=[
            POST_ID,
            OpenApiParameter("perPage", OpenApiTypes.INT),
            OpenApiParameter("fromPost", OpenApiTypes.STR),
            OpenApiParameter("fromCreateAt", OpenApiTypes.INT),
            OpenApiParameter("direction", OpenApiTypes.STR),
            OpenApiParameter("skipFetchThreads", OpenApiTypes.BOOL),
            OpenApiParameter("collapsedThreads", OpenApiTypes.BOOL),
            OpenApiParameter("collapsedThreadsExtended", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        params = request.query_params
        per_page = _int64(params.get("perPage", ""), "perPage")
        if per_page > MAX_PER_PAGE:
            raise invalid_body_param("perPage")
        from_create_at = _int64(params.get("fromCreateAt", ""), "fromCreateAt")
        from_post = params.get("fromPost", "")
        if from_post and from_create_at == 0:
            raise invalid_body_param("fromCreateAt", "fromPost needs fromCreateAt")
        direction = params.get("direction", "")
        if direction not in ("", "up", "down"):
            raise invalid_body_param("direction")
        skip_threads = params.get("skipFetchThreads") == "true"
        collapsed = params.get("collapsedThreads") == "true"
        actor = session_user(request)

        post = selectors.live_post_get(post_id)
        if post is None:
            raise missing_post()
        posts: dict[str, Post] = {post.id: post}
        order = [post.id]
        has_next: bool | None = None
        if collapsed or not skip_threads:
            thread = selectors.thread_page(
                root_id=post.id if collapsed else (post.root_id or post.id),
                include_root=not collapsed,
                per_page=max(per_page, 0),
                direction=direction,
                from_create_at=from_create_at,
                from_post=from_post,
            )
            has_next = thread.has_next
            for item in thread.posts:
                if item.id != post.id:
                    posts[item.id] = item
                    order.append(item.id)
            if not (per_page or direction or collapsed):
                # The whole thread: newest first, as clients expect.
                order = newest_first(posts.values())
        require_post_readable(actor, post)
        etag = post_list_etag(order, posts)
        stubs = [post.id] if collapsed and post.is_root else []
        return etag_response(
            request,
            etag,
            lambda: post_list_json(order, posts, has_next=has_next, participant_ids_for=stubs),
        )


class UnreadPostsView(MattermostView):
    """``GET /users/{user_id}/channels/{channel_id}/posts/unread``: the posts around the
    member's first unread post."""

    @extend_schema(
        operation_id="GetPostsAroundLastUnread",
        parameters=[
            USER_ID,
            CHANNEL_ID,
            OpenApiParameter("limit_before", OpenApiTypes.INT),
            OpenApiParameter("limit_after", OpenApiTypes.INT),
            OpenApiParameter("skipFetchThreads", OpenApiTypes.BOOL),
            OpenApiParameter("collapsedThreads", OpenApiTypes.BOOL),
            OpenApiParameter("collapsedThreadsExtended", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, user_id: str, channel_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        channel_id = url_id(channel_id, "channel_id")
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        channel = channel_or_404(channel_id)
        require_read_content(actor, channel)
        limit_before = _limit(request, "limit_before")
        limit_after = _limit(request, "limit_after")
        if limit_after == 0:
            raise invalid_url_param("limit_after")
        skip_threads = request.query_params.get("skipFetchThreads") == "true"
        collapsed = request.query_params.get("collapsedThreads") == "true"

        rows, posts = self._around_first_unread(
            channel.id,
            user_id,
            limit_before=limit_before,
            limit_after=limit_after,
            skip_threads=skip_threads,
            collapsed=collapsed,
        )
        headers: dict[str, str] = {}
        if not rows:
            # Nothing unread to center on: the latest page instead, with the list etag.
            etag = channel_posts_etag(channel.id, collapsed=collapsed)
            if client_has(request, etag):
                return not_modified(etag)
            headers["ETag"] = etag
            rows, posts = selectors.channel_page_with_threads(
                channel.id,
                Page(page=0, per_page=limit_before),
                skip_threads=skip_threads,
                collapsed=collapsed,
                include_deleted=False,
            )
        rows = sorted(rows, key=lambda p: (p.create_at, p.id), reverse=True)
        body = post_list_json(
            [post.id for post in rows],
            posts,
            next_post_id=_cursor_after(channel.id, rows, collapsed=collapsed),
            prev_post_id=_cursor_before(channel.id, rows, collapsed=collapsed),
        )
        return Response(body, headers=headers)

    @staticmethod
    def _around_first_unread(
        channel_id: str,
        user_id: str,
        *,
        limit_before: int,
        limit_after: int,
        skip_threads: bool,
        collapsed: bool,
    ) -> tuple[list[Post], dict[str, Post]]:
        member = channel_member_get(channel_id=channel_id, user_id=user_id)
        if member is None:
            raise AppError(
                "app.channel.get_member.missing.app_error",
                "That user is not a member of the channel.",
                404,
            )
        if member.last_viewed_at == 0:
            return [], {}
        first_id = selectors.channel_post_id_beside_time(
            channel_id=channel_id, time=member.last_viewed_at, before=False, collapsed=collapsed
        )
        first = selectors.live_post_get(first_id) if first_id else None
        if first is None:
            return [], {}
        posts: dict[str, Post] = {first.id: first}
        if collapsed or not skip_threads:
            thread = selectors.thread_page(
                root_id=first.id if collapsed else (first.root_id or first.id),
                include_root=not collapsed,
            )
            posts.update((item.id, item) for item in thread.posts)
        rows = [first]
        for before, size in ((True, limit_before), (False, limit_after - 1)):
            side, side_posts = selectors.channel_page_beside_post(
                channel_id,
                first.id,
                Page(page=0, per_page=size),
                before=before,
                skip_threads=skip_threads,
                collapsed=collapsed,
            )
            rows.extend(side)
            posts.update(side_posts)
        return rows, posts


class SetPostUnreadView(MattermostView):
    """``POST /users/{user_id}/posts/{post_id}/set_unread``."""

    @extend_schema(
        operation_id="SetPostUnread",
        parameters=[USER_ID, POST_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        post = selectors.live_post_get(post_id, include_deleted=True)
        if post is None or not has_channel_permission(
            actor, post.channel_id, "read_channel_content"
        ):
            raise permission_denied(actor.id, "read_channel_content")
        if post.delete_at:
            raise missing_post()
        target = actor if user_id == actor.id else user_get_or_404(user_id)
        state = post_set_unread(user=target, post=post)
        return Response(state.as_json())


urlpatterns: list[URLPattern] = [
    path("channels/<str:channel_id>/posts", ChannelPostsView.as_view(), name="channel-posts"),
    path("posts/ids", PostsByIdsView.as_view(), name="posts-by-ids"),
    path("posts/<str:post_id>/thread", PostThreadView.as_view(), name="post-thread"),
    path(
        "users/<str:user_id>/channels/<str:channel_id>/posts/unread",
        UnreadPostsView.as_view(),
        name="user-channel-posts-unread",
    ),
    path(
        "users/<str:user_id>/posts/<str:post_id>/set_unread",
        SetPostUnreadView.as_view(),
        name="user-post-set-unread",
    ),
]
