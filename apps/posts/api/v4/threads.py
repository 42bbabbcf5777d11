"""Collapsed reply threads over API v4: the threads a user follows in a team (with their
totals), one of them, marking them read or unread, and following or unfollowing one.

Every route acts for ``{user_id}`` (``me``, or anyone with ``edit_other_users``). The list
and "mark all read" need ``view_team``; the routes of one thread need
``read_channel_content`` in the thread's channel (an unknown thread passes only with that
permission system-wide, as in Mattermost)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import require_self_or_permission, require_system_permission
from apps.accounts.selectors import user_get_or_404, users_by_ids
from apps.channels.permissions import require_channel_permission
from apps.core.errors import AppError, invalid_body_param, invalid_url_param
from apps.core.pagination import page_from
from apps.core.views import (
    STATUS_OK,
    MattermostView,
    query_flag,
    session_user,
    url_id,
    url_user_id,
)
from apps.posts import selectors
from apps.posts.errors import missing_post
from apps.posts.models import Post
from apps.posts.services import (
    thread_mark_read,
    thread_set_following,
    thread_set_unread,
    threads_mark_all_read,
)
from apps.posts.services.threads import missing_membership, missing_thread
from apps.posts.thread_selectors import (
    ThreadListOptions,
    ThreadTotals,
    UserThread,
    thread_membership_get,
    user_thread_totals,
    user_threads_page,
)
from apps.posts.thread_wire import participants_json, thread_fields
from apps.teams.permissions import require_team_permission

READ_CONTENT = "read_channel_content"
INT64_MAX = 2**63 - 1
UINT64_LIMIT = 2**64

USER_ID = OpenApiParameter("user_id", OpenApiTypes.STR, OpenApiParameter.PATH)
TEAM_ID = OpenApiParameter("team_id", OpenApiTypes.STR, OpenApiParameter.PATH)
THREAD_ID = OpenApiParameter("thread_id", OpenApiTypes.STR, OpenApiParameter.PATH)
EXTENDED = OpenApiParameter("extended", OpenApiTypes.BOOL)
THREAD_SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}
THREADS_SCHEMA = {
    "type": "object",
    "properties": {
        "total": {"type": "integer"},
        "total_unread_threads": {"type": "integer"},
        "total_unread_mentions": {"type": "integer"},
        "total_unread_urgent_mentions": {"type": "integer"},
        "threads": {"type": "array", "items": THREAD_SCHEMA, "nullable": True},
    },
}
THREAD_ERRORS = {400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT}


def threads_json(
    threads: Iterable[UserThread], viewer: User, *, extended: bool
) -> list[dict[str, Any]]:
    """Each thread with its participants: stubs, or (``extended``) the profiles as
    ``viewer`` may see them, all read in one query."""
    threads = list(threads)
    users = None
    if extended:
        ids = {user_id for thread in threads for user_id in thread.root.participants}
        users = {user.id: user for user in users_by_ids(list(ids))}
    return [
        thread_fields(thread, participants_json(thread.root.participants, users, viewer))
        for thread in threads
    ]


def _since(request: Request) -> int:
    """Go's ``ParseUint``: decimal digits only; kept within the int64 the database holds."""
    raw = request.query_params.get("since", "")
    if raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit()) or int(raw) >= UINT64_LIMIT:
        raise invalid_body_param("since")
    return min(int(raw), INT64_MAX)


@dataclass(frozen=True)
class _ListQuery:
    options: ThreadListOptions
    extended: bool
    totals_only: bool
    threads_only: bool

    @classmethod
    def parse(cls, request: Request) -> _ListQuery:
        params = request.query_params
        before, after = params.get("before", ""), params.get("after", "")
        if before and after:
            raise AppError(
                "api.getThreadsForUser.bad_params",
                "Give either before or after, not both.",
                400,
            )
        totals_only = query_flag(request, "totalsOnly")
        threads_only = query_flag(request, "threadsOnly")
        if totals_only and threads_only:
            raise AppError(
                "api.getThreadsForUser.bad_only_params",
                "Give either totalsOnly or threadsOnly, not both.",
                400,
            )
        options = ThreadListOptions(
            since=_since(request),
            before=before,
            after=after,
            unread=query_flag(request, "unread"),
            deleted=query_flag(request, "deleted"),
            exclude_direct=query_flag(request, "excludeDirect"),
            page=page_from(request),
        )
        return cls(options, query_flag(request, "extended"), totals_only, threads_only)


class UserThreadsView(MattermostView):
    """``GET /users/{user_id}/teams/{team_id}/threads``: the threads the user follows in
    the team and in direct and group messages, the most recently answered first, and the
    totals over all of them."""

    @extend_schema(
        operation_id="GetUserThreads",
        parameters=[
            USER_ID,
            TEAM_ID,
            EXTENDED,
            *(
                OpenApiParameter(name, OpenApiTypes.BOOL)
                for name in ("deleted", "unread", "totalsOnly", "threadsOnly", "excludeDirect")
            ),
            OpenApiParameter("since", OpenApiTypes.INT),
            OpenApiParameter("before", OpenApiTypes.STR),
            OpenApiParameter("after", OpenApiTypes.STR),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("per_page", OpenApiTypes.INT),
        ],
        responses={200: THREADS_SCHEMA, **THREAD_ERRORS},
    )
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        require_team_permission(actor, team_id, "view_team")
        query = _ListQuery.parse(request)
        options = query.options
        totals = ThreadTotals()
        if not query.threads_only:
            totals = user_thread_totals(user_id=user_id, team_id=team_id, options=options)
        threads = None
        if not query.totals_only:
            page = user_threads_page(user_id=user_id, team_id=team_id, options=options)
            threads = threads_json(page, actor, extended=query.extended)
        return Response(
            {
                # "unread" asks for unread threads only, and then counts only those.
                "total": totals.unread_threads if options.unread else totals.total,
                "total_unread_threads": totals.unread_threads,
                "total_unread_mentions": totals.unread_mentions,
                "total_unread_urgent_mentions": 0,
                # Mattermost leaves the list out (null) when only the totals were asked for.
                "threads": threads,
            }
        )


class MarkAllThreadsReadView(MattermostView):
    """``PUT /users/{user_id}/teams/{team_id}/threads/read``."""

    @extend_schema(
        operation_id="UpdateThreadsReadForUser",
        parameters=[USER_ID, TEAM_ID],
        request=None,
        responses={200: OpenApiTypes.OBJECT, **THREAD_ERRORS},
    )
    def put(self, request: Request, user_id: str, team_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        require_team_permission(actor, team_id, "view_team")
        threads_mark_all_read(user_id=user_id, team_id=team_id)
        return Response(STATUS_OK)


@dataclass(frozen=True)
class _ThreadRoute:
    """The checked parts of a ``.../threads/{thread_id}`` route."""

    actor: User
    user_id: str
    team_id: str
    thread_id: str
    # The post the thread id names, deleted or not; None for an unknown id.
    root: Post | None

    def target_user(self) -> User:
        return self.actor if self.user_id == self.actor.id else user_get_or_404(self.user_id)


def _thread_route(request: Request, user_id: str, team_id: str, thread_id: str) -> _ThreadRoute:
    user_id = url_user_id(request, user_id)
    team_id = url_id(team_id, "team_id")
    thread_id = url_id(thread_id, "thread_id")
    actor = session_user(request)
    require_self_or_permission(actor, user_id, "edit_other_users")
    root = selectors.live_post_get(thread_id, include_deleted=True)
    if root is None:
        require_system_permission(actor, READ_CONTENT)
    else:
        require_channel_permission(actor, root.channel_id, READ_CONTENT)
    return _ThreadRoute(actor, user_id, team_id, thread_id, root)


def _thread_response(thread: UserThread) -> Response:
    """A thread as the read routes answer it: with participant stubs."""
    return Response(thread_fields(thread, participants_json(thread.root.participants, None, None)))


class UserThreadView(MattermostView):
    """``GET /users/{user_id}/teams/{team_id}/threads/{thread_id}``: one followed thread."""

    @extend_schema(
        operation_id="GetUserThread",
        parameters=[USER_ID, TEAM_ID, THREAD_ID, EXTENDED],
        responses={200: THREAD_SCHEMA, **THREAD_ERRORS, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, user_id: str, team_id: str, thread_id: str) -> Response:
        route = _thread_route(request, user_id, team_id, thread_id)
        state = thread_membership_get(user_id=route.user_id, root_id=route.thread_id)
        if state is None:
            raise missing_membership()
        if not (state.thread.following and state.thread_exists):
            raise missing_thread()
        [body] = threads_json([state.thread], route.actor, extended=query_flag(request, "extended"))
        return Response(body)


class ThreadReadView(MattermostView):
    """``PUT .../threads/{thread_id}/read/{timestamp}``: the thread is read up to
    ``timestamp`` (ms), forwards or back; answers the thread."""

    @extend_schema(
        operation_id="UpdateThreadReadForUser",
        parameters=[USER_ID, TEAM_ID, THREAD_ID],
        request=None,
        responses={200: THREAD_SCHEMA, **THREAD_ERRORS, 404: OpenApiTypes.OBJECT},
    )
    def put(
        self, request: Request, user_id: str, team_id: str, thread_id: str, timestamp: int
    ) -> Response:
        if timestamp == 0:
            raise invalid_url_param("timestamp")
        route = _thread_route(request, user_id, team_id, thread_id)
        thread = thread_mark_read(
            user=route.target_user(),
            root_id=route.thread_id,
            team_id=route.team_id,
            timestamp=min(timestamp, INT64_MAX),
        )
        return _thread_response(thread)


class ThreadSetUnreadView(MattermostView):
    """``POST .../threads/{thread_id}/set_unread/{post_id}``: the post (the root or a reply
    of this thread) and everything after it become unread; answers the thread."""

    @extend_schema(
        operation_id="SetThreadUnreadByPostId",
        parameters=[
            USER_ID,
            TEAM_ID,
            THREAD_ID,
            OpenApiParameter("post_id", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        request=None,
        responses={200: THREAD_SCHEMA, **THREAD_ERRORS, 404: OpenApiTypes.OBJECT},
    )
    def post(
        self, request: Request, user_id: str, team_id: str, thread_id: str, post_id: str
    ) -> Response:
        post_id = url_id(post_id, "post_id")
        route = _thread_route(request, user_id, team_id, thread_id)
        post = selectors.live_post_get(post_id)
        if post is None:
            raise missing_post()
        thread = thread_set_unread(
            user=route.target_user(), root_id=route.thread_id, team_id=route.team_id, post=post
        )
        return _thread_response(thread)


class ThreadFollowingView(MattermostView):
    """``PUT`` (follow, which also marks it read) and ``DELETE`` (unfollow)
    ``.../threads/{thread_id}/following``."""

    def _set(
        self, request: Request, user_id: str, team_id: str, thread_id: str, *, following: bool
    ) -> Response:
        route = _thread_route(request, user_id, team_id, thread_id)
        if route.root is None:
            raise missing_post()
        if not route.root.is_root:
            # Only a thread's first post names the thread.
            raise missing_thread()
        thread_set_following(
            user_id=route.target_user().id,
            root=route.root,
            team_id=route.team_id,
            following=following,
        )
        return Response(STATUS_OK)

    @extend_schema(
        operation_id="StartFollowingThread",
        parameters=[USER_ID, TEAM_ID, THREAD_ID],
        request=None,
        responses={200: OpenApiTypes.OBJECT, **THREAD_ERRORS, 404: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, user_id: str, team_id: str, thread_id: str) -> Response:
        return self._set(request, user_id, team_id, thread_id, following=True)

    @extend_schema(
        operation_id="StopFollowingThread",
        parameters=[USER_ID, TEAM_ID, THREAD_ID],
        responses={200: OpenApiTypes.OBJECT, **THREAD_ERRORS, 404: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, user_id: str, team_id: str, thread_id: str) -> Response:
        return self._set(request, user_id, team_id, thread_id, following=False)


THREADS = "users/<str:user_id>/teams/<str:team_id>/threads"
THREAD = f"{THREADS}/<str:thread_id>"

urlpatterns: list[URLPattern] = [
    path(THREADS, UserThreadsView.as_view(), name="user-threads"),
    # Before the thread routes, whose {thread_id} would otherwise take "read".
    path(f"{THREADS}/read", MarkAllThreadsReadView.as_view(), name="user-threads-read"),
    path(THREAD, UserThreadView.as_view(), name="user-thread"),
    # Mattermost routes only digits here; anything else is an unknown route.
    path(f"{THREAD}/read/<int:timestamp>", ThreadReadView.as_view(), name="user-thread-read"),
    path(
        f"{THREAD}/set_unread/<str:post_id>",
        ThreadSetUnreadView.as_view(),
        name="user-thread-set-unread",
    ),
    path(f"{THREAD}/following", ThreadFollowingView.as_view(), name="user-thread-following"),
]
