"""Reads of collapsed reply threads: a user's followed threads (one page and the totals),
one thread as a user sees it, the state of every follower of a thread, and the unread
thread counts per team.

A thread exists once its root has had a reply (Mattermost's ``Threads`` row appears with
the first reply): following a root nobody answered yet gives a membership but no thread.
A thread belongs to its channel's team; direct and group messages belong to every team.
Every read below is a fixed number of queries, whatever the number of threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.core.pagination import Page
from apps.posts.models import Post, ThreadMembership

# What Mattermost's store pages by when asked for a page of 0 threads.
STORE_PAGE_SIZE = 30


@dataclass(frozen=True)
class ThreadListOptions:
    """The filters of ``GET /users/{user_id}/teams/{team_id}/threads``."""

    since: int = 0
    before: str = ""
    after: str = ""
    unread: bool = False
    deleted: bool = False
    exclude_direct: bool = False
    page: Page = field(default_factory=Page)


@dataclass(frozen=True)
class UserThread:
    """A thread as one user sees it (Mattermost's ``ThreadResponse`` before serialising)."""

    user_id: str
    root: Post
    following: bool
    last_viewed: int
    unread_replies: int
    unread_mentions: int


@dataclass(frozen=True)
class ThreadTotals:
    total: int = 0
    unread_threads: int = 0
    unread_mentions: int = 0


@dataclass(frozen=True)
class TeamThreadUnread:
    thread_count: int = 0
    thread_mention_count: int = 0


def _has_replied() -> Exists:
    """The membership's root has (or had) a reply: its thread exists."""
    return Exists(Post.objects.filter(root_id=OuterRef("post_id")))


def unread_replies_count(*, include_deleted: bool = False) -> Coalesce:
    """Per membership: the replies of its thread created after the member's
    ``last_viewed`` (deleted ones too with ``include_deleted``, as Mattermost's
    ``deleted`` list does). Edit history rows never count."""
    replies = Post.objects.filter(
        root_id=OuterRef("post_id"), original_id="", create_at__gt=OuterRef("last_viewed")
    )
    if not include_deleted:
        replies = replies.filter(delete_at=0)
    counted = replies.order_by().values("root_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


def thread_in_team(team_id: str, *, exclude_direct: bool = False) -> Q:
    """Memberships of threads in the team's channels or, unless ``exclude_direct``, in
    direct and group messages."""
    in_team = Q(post__channel__team_id=team_id)
    if exclude_direct:
        return in_team
    return in_team | Q(post__channel__team__isnull=True)


def _followed(
    user_id: str, team_id: str, *, exclude_direct: bool, deleted: bool
) -> QuerySet[ThreadMembership]:
    rows = ThreadMembership.objects.filter(
        thread_in_team(team_id, exclude_direct=exclude_direct), user_id=user_id, following=True
    ).filter(_has_replied())
    if not deleted:
        rows = rows.filter(post__delete_at=0)
    return rows


def _unread() -> Q:
    return Q(last_viewed__lt=F("post__last_reply_at"))


def _user_thread(membership: ThreadMembership) -> UserThread:
    return UserThread(
        user_id=membership.user_id,
        root=membership.post,
        following=membership.following,
        last_viewed=membership.last_viewed,
        unread_replies=getattr(membership, "unread_replies", 0),
        unread_mentions=membership.unread_mentions,
    )


def user_threads_page(
    *, user_id: str, team_id: str, options: ThreadListOptions
) -> list[UserThread]:
    """One page of the threads ``user_id`` follows in the team, the most recently
    answered first (oldest first after an ``after`` cursor, as Mattermost returns them).
    ``before`` / ``after`` name a thread: only threads answered strictly before / after
    its last reply come back; an unknown cursor gives no threads."""
    rows = _followed(
        user_id, team_id, exclude_direct=options.exclude_direct, deleted=options.deleted
    )
    if options.since:
        rows = rows.filter(
            Q(last_updated__gte=options.since) | Q(post__last_reply_at__gte=options.since)
        )
    if options.unread:
        rows = rows.filter(_unread())
    ordering = ("-post__last_reply_at", "-post_id")
    cursor = options.before or options.after
    if cursor:
        pivot = Subquery(Post.objects.filter(pk=cursor).values("last_reply_at")[:1])
        if options.before:
            rows = rows.filter(post__last_reply_at__lt=pivot)
        else:
            rows = rows.filter(post__last_reply_at__gt=pivot)
            ordering = ("post__last_reply_at", "post_id")
    rows = rows.select_related("post").annotate(
        unread_replies=unread_replies_count(include_deleted=options.deleted)
    )
    page = options.page
    if page.per_page == 0:
        page = Page(page=page.page, per_page=STORE_PAGE_SIZE)
    return [_user_thread(row) for row in page.of(rows.order_by(*ordering))]


def user_thread_totals(*, user_id: str, team_id: str, options: ThreadListOptions) -> ThreadTotals:
    """The counters of the list, in one query. Only ``deleted`` and ``exclude_direct``
    narrow them; the paging filters do not."""
    rows = _followed(
        user_id, team_id, exclude_direct=options.exclude_direct, deleted=options.deleted
    )
    found = rows.aggregate(
        total=Count("id"),
        unread_threads=Count("id", filter=_unread()),
        unread_mentions=Coalesce(Sum("unread_mentions"), 0),
    )
    return ThreadTotals(**found)


@dataclass(frozen=True)
class ThreadMembershipState:
    """A user's membership of a thread, looked up whatever its state."""

    thread: UserThread
    thread_exists: bool


def thread_membership_get(*, user_id: str, root_id: str) -> ThreadMembershipState | None:
    """The user's membership of the thread rooted at ``root_id`` (followed or not), with
    the unread replies counted, or None when the user never had one."""
    row = (
        ThreadMembership.objects.filter(user_id=user_id, post_id=root_id)
        .select_related("post")
        .annotate(unread_replies=unread_replies_count(), thread_exists=_has_replied())
        .first()
    )
    if row is None:
        return None
    return ThreadMembershipState(thread=_user_thread(row), thread_exists=row.thread_exists)


def thread_followers(root_id: str) -> list[UserThread]:
    """Every user following the thread, with what they have not read, in one query."""
    rows = (
        ThreadMembership.objects.filter(post_id=root_id, following=True)
        .select_related("post")
        .annotate(unread_replies=unread_replies_count())
        .order_by("user_id")
    )
    return [_user_thread(row) for row in rows]


def thread_unreads_by_team(*, user_id: str, team_ids: Iterable[str]) -> dict[str, TeamThreadUnread]:
    """Per team: the followed threads with unread replies and their unread mentions, in
    one query. Direct and group message threads belong to no team here, as in Mattermost."""
    rows = (
        ThreadMembership.objects.filter(
            user_id=user_id,
            following=True,
            post__delete_at=0,
            post__channel__team_id__in=list(team_ids),
        )
        .filter(_has_replied())
        .values("post__channel__team_id")
        .annotate(
            threads=Count("id", filter=_unread()),
            mentions=Coalesce(Sum("unread_mentions"), 0),
        )
        .order_by()
    )
    return {
        row["post__channel__team_id"]: TeamThreadUnread(
            thread_count=row["threads"], thread_mention_count=row["mentions"]
        )
        for row in rows
    }
