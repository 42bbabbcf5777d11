"""Reads of posts and reactions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Subquery

from apps.core.pagination import Page
from apps.posts.models import Post


def post_get(post_id: str) -> Post | None:
    return Post.objects.filter(pk=post_id).first()


# Channel post lists. Every read below is one indexed query (``posts_channel_create`` for
# pages and cursors, ``posts_channel_update`` for "since" and the etag, ``posts_thread``
# for threads), bounded by LIMIT: no read walks a channel's whole history.

SINCE_LIMIT = 1000


def _channel_posts(channel_id: str, *, collapsed: bool, include_deleted: bool) -> QuerySet[Post]:
    posts = Post.objects.filter(channel_id=channel_id)
    if not include_deleted:
        posts = posts.filter(delete_at=0)
    if collapsed:
        posts = posts.filter(root_id="")
    return posts


def channel_posts_page(
    *, channel_id: str, page: Page, collapsed: bool = False, include_deleted: bool = False
) -> list[Post]:
    """One page of the channel's posts, newest first."""
    posts = _channel_posts(channel_id, collapsed=collapsed, include_deleted=include_deleted)
    return page.of(posts.order_by("-create_at", "-id"))


def channel_posts_beside(
    *,
    channel_id: str,
    post_id: str,
    before: bool,
    page: Page,
    collapsed: bool = False,
    include_deleted: bool = False,
) -> list[Post]:
    """A page of the posts created strictly before (or after) ``post_id``, newest first.
    An unknown ``post_id`` gives no posts."""
    pivot = Post.objects.filter(pk=post_id).values("create_at")[:1]
    posts = _channel_posts(channel_id, collapsed=collapsed, include_deleted=include_deleted)
    if before:
        rows = page.of(posts.filter(create_at__lt=Subquery(pivot)).order_by("-create_at", "-id"))
        return rows
    rows = page.of(posts.filter(create_at__gt=Subquery(pivot)).order_by("create_at", "id"))
    return rows[::-1]


def channel_posts_since(*, channel_id: str, since: int, collapsed: bool = False) -> list[Post]:
    """Up to 1000 posts of the channel changed after ``since`` (edited and deleted ones
    included), oldest change first."""
    posts = Post.objects.filter(channel_id=channel_id, update_at__gt=since)
    if collapsed:
        posts = posts.filter(root_id="")
    return list(posts.order_by("update_at", "id")[:SINCE_LIMIT])


def thread_posts_of_roots(
    *, channel_id: str, root_ids: Iterable[str], with_replies: bool
) -> list[Post]:
    """The live roots ``root_ids`` and, ``with_replies``, every live reply to them."""
    ids = list(dict.fromkeys(root_ids))
    if not ids:
        return []
    match = Q(id__in=ids) | Q(root_id__in=ids) if with_replies else Q(id__in=ids)
    return list(Post.objects.filter(match, channel_id=channel_id, delete_at=0))


def posts_with_threads(
    channel_id: str, page: list[Post], *, roots_of: Iterable[str], skip_threads: bool
) -> dict[str, Post]:
    """The page's posts plus the roots ``roots_of`` names and, unless ``skip_threads``,
    every other post of those threads, in one query."""
    posts = {
        post.id: post
        for post in thread_posts_of_roots(
            channel_id=channel_id, root_ids=roots_of, with_replies=not skip_threads
        )
    }
    posts.update((post.id, post) for post in page)
    return posts


def channel_page_with_threads(
    channel_id: str, page: Page, *, skip_threads: bool, collapsed: bool, include_deleted: bool
) -> tuple[list[Post], dict[str, Post]]:
    """A page of the channel's posts, newest first, and the posts a ``PostList`` of it
    holds: the page and the threads of its replies (its roots only when collapsed)."""
    rows = channel_posts_page(
        channel_id=channel_id, page=page, collapsed=collapsed, include_deleted=include_deleted
    )
    if collapsed:
        return rows, {post.id: post for post in rows}
    roots = [post.root_id for post in rows if post.root_id]
    return rows, posts_with_threads(channel_id, rows, roots_of=roots, skip_threads=skip_threads)


def channel_page_beside_post(
    channel_id: str,
    post_id: str,
    page: Page,
    *,
    before: bool,
    skip_threads: bool,
    collapsed: bool,
    include_deleted: bool = False,
    threads_of_roots: bool = True,
) -> tuple[list[Post], dict[str, Post]]:
    """A page of the posts before (or after) ``post_id``, newest first, and the posts a
    ``PostList`` of it holds: the threads of the page's replies and (``threads_of_roots``,
    as API v4 does) of its roots."""
    rows = channel_posts_beside(
        channel_id=channel_id,
        post_id=post_id,
        before=before,
        page=page,
        collapsed=collapsed,
        include_deleted=include_deleted,
    )
    ids = [post.root_id for post in rows if post.root_id]
    if threads_of_roots:
        ids += [post.id for post in rows]
    return rows, posts_with_threads(channel_id, rows, roots_of=ids, skip_threads=skip_threads)


def channel_changes_since(
    *, channel_id: str, since: int, collapsed: bool = False
) -> tuple[list[Post], dict[str, Post]]:
    """The posts changed after ``since``, newest first, and the posts a ``PostList`` of
    them holds: those posts and the roots of the changed replies."""
    changed = channel_posts_since(channel_id=channel_id, since=since, collapsed=collapsed)
    roots = [post.root_id for post in changed if post.root_id]
    posts = posts_with_threads(channel_id, changed, roots_of=roots, skip_threads=True)
    return sorted(changed, key=lambda p: (p.create_at, p.id), reverse=True), posts


def channel_post_id_beside_time(
    *, channel_id: str, time: int, before: bool, collapsed: bool = False
) -> str:
    """The id of the live post created just before (or just after) ``time``, or ""."""
    posts = _channel_posts(channel_id, collapsed=collapsed, include_deleted=False)
    if before:
        found = posts.filter(create_at__lt=time).order_by("-create_at", "-id")
    else:
        found = posts.filter(create_at__gt=time).order_by("create_at", "id")
    return found.values_list("id", flat=True).first() or ""


def channel_posts_last_update(*, channel_id: str, collapsed: bool = False) -> int | None:
    """The latest ``update_at`` of the channel's posts, deleted ones included (the list
    etag), or None for a channel without posts."""
    posts = Post.objects.filter(channel_id=channel_id)
    if collapsed:
        posts = posts.filter(root_id="")
    return posts.order_by("-update_at").values_list("update_at", flat=True).first()


def live_post_get(post_id: str, *, include_deleted: bool = False) -> Post | None:
    posts = Post.objects.filter(pk=post_id)
    if not include_deleted:
        posts = posts.filter(delete_at=0)
    return posts.first()


def post_in_thread(*, post_id: str, root_id: str) -> bool:
    """Whether ``post_id`` is a live post of the thread of ``root_id`` (the root or a reply)."""
    return (
        Post.objects.filter(pk=post_id, delete_at=0)
        .filter(Q(pk=root_id) | Q(root_id=root_id))
        .exists()
    )


def posts_by_ids(post_ids: Iterable[str]) -> list[Post]:
    """The posts (deleted ones included) among these ids, in no particular order."""
    return list(Post.objects.filter(pk__in=list(post_ids)).select_related("channel"))


def reply_counts_of_roots(root_ids: Iterable[str]) -> dict[str, int]:
    """{root id: its thread's reply count} for these roots."""
    ids = list(dict.fromkeys(root_ids))
    if not ids:
        return {}
    return dict(Post.objects.filter(pk__in=ids).values_list("id", "reply_count"))


@dataclass(frozen=True)
class ThreadPage:
    posts: list[Post]
    has_next: bool


def thread_page(
    *,
    root_id: str,
    include_root: bool,
    per_page: int = 0,
    direction: str = "",
    from_create_at: int = 0,
    from_post: str = "",
) -> ThreadPage:
    """The live posts of a thread (its replies, and its root when ``include_root``),
    optionally one page of them going ``up`` (newest first, the default) or ``down``
    (oldest first) from a create time, and a post id to break ties."""
    match = Q(pk=root_id) | Q(root_id=root_id) if include_root else Q(root_id=root_id)
    posts = Post.objects.filter(match, delete_at=0)
    if from_create_at:
        if direction == "down":
            edge = Q(create_at__gt=from_create_at)
            tie = Q(create_at=from_create_at, id__gt=from_post)
        else:
            edge = Q(create_at__lt=from_create_at)
            tie = Q(create_at=from_create_at, id__lt=from_post)
        posts = posts.filter(edge | tie) if from_post else posts.filter(edge)
    ordering = ("create_at", "id") if direction == "down" else ("-create_at", "-id")
    posts = posts.order_by(*ordering)
    if per_page > 0:
        rows = list(posts[: per_page + 1])
        return ThreadPage(posts=rows[:per_page], has_next=len(rows) > per_page)
    return ThreadPage(posts=list(posts), has_next=False)
