"""The read behind post search: one page of the posts a user may read that match a
search plan, newest first, in a fixed number of queries however many match."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce

from django.conf import settings
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from apps.accounts.models import User
from apps.accounts.selectors import users_by_usernames
from apps.channels.models import Channel
from apps.channels.selectors import channels_of_user, channels_of_user_in_team
from apps.channels.services import direct_channel_name, group_channel_name
from apps.core.errors import AppError, invalid_body_param
from apps.core.pagination import Page
from apps.posts.models import Post
from apps.posts.reaction_selectors import page_with_thread_counts, readable_channel_ids
from apps.posts.search.backends import NOTHING, text_backend
from apps.posts.search.query import (
    MAX_PARTS,
    CreatedWindow,
    ParsedQuery,
    SearchPlan,
    plan_search,
)
from apps.posts.validators import SYSTEM_TYPE_PREFIX

TAG_LIST = "tag_list"


# The legacy APIs had no paging for search: their servers sent at most this many posts.
LEGACY_SEARCH_LIMIT = 100


def posts_search_terms(
    *,
    user: User,
    terms: str,
    team_id: str | None,
    page: Page,
    match_any: bool = False,
    time_zone_offset: int = 0,
    include_deleted_channels: bool = False,
) -> list[Post]:
    """``posts_search`` for the text a user typed, with the checks every API face shares:
    search must be switched on (501) and the query of a bounded size (400)."""
    if not settings.MATTERMOST.enable_post_search:
        raise AppError(
            "store.sql_post.search.disabled", "Post search is turned off on this server.", 501
        )
    plan = plan_search(terms, match_any=match_any, time_zone_offset=time_zone_offset)
    if plan.query.size > MAX_PARTS:
        raise invalid_body_param("terms", f"at most {MAX_PARTS} words, hashtags and filters")
    return posts_search(
        user=user,
        plan=plan,
        team_id=team_id,
        include_deleted_channels=include_deleted_channels,
        page=page,
    )


def posts_search(
    *,
    user: User,
    plan: SearchPlan,
    team_id: str | None,
    include_deleted_channels: bool,
    page: Page,
) -> list[Post]:
    """The page of live, non-system posts matching ``plan`` in the channels ``user``
    belongs to and may read: the team's and their direct and group messages (every
    team's without ``team_id``), archived ones only with ``include_deleted_channels``."""
    query = plan.query
    if not query.searchable or plan.created.empty:
        return []
    user_ids = _user_ids_named(query)
    channels = _readable_channels(user, team_id, include_deleted=include_deleted_channels)
    channel_ids = _channel_scope(channels, query, user_ids, user.id)
    if not channel_ids:
        return []
    posts = Post.objects.filter(channel_id__in=sorted(channel_ids), delete_at=0).exclude(
        type__startswith=SYSTEM_TYPE_PREFIX
    )
    by_authors = _by_authors(posts, query, user_ids)
    if by_authors is None:
        return []
    return _newest_first(_matching(_created_in(by_authors, plan.created), plan), page)


NEWEST_FIRST = ("-create_at", "-id")


def _newest_first(posts: QuerySet[Post], page: Page) -> list[Post]:
    """The page of ``posts``, newest first, in one query. Only the matches' times and ids
    are sorted; whole rows (and a reply's thread count) are read for the page alone."""
    if page.empty:
        return []
    window = posts.order_by(*NEWEST_FIRST).values("id")[page.offset : page.offset + page.per_page]
    rows = Post.objects.filter(pk__in=window).order_by(*NEWEST_FIRST)
    return page_with_thread_counts(rows, Page(per_page=page.per_page))


# Who and where


def _readable_channels(user: User, team_id: str | None, *, include_deleted: bool) -> list[Channel]:
    """The channels searched: those ``user`` belongs to (in the team, with their direct
    and group messages; or in every team) and may read."""
    if team_id:
        channels = channels_of_user_in_team(
            user_id=user.id, team_id=team_id, include_deleted=include_deleted
        )
    else:
        channels = channels_of_user(user_id=user.id, include_deleted=include_deleted)
    readable = readable_channel_ids(user, channels)
    return [channel for channel in channels if channel.id in readable]


def _user_ids_named(query: ParsedQuery) -> dict[str, str]:
    """{username: user id} for the users the filters name (``from:``, ``in:@...``); no
    query when they name nobody."""
    names = {*query.from_users, *query.excluded_users}
    for reference in (*query.in_channels, *query.excluded_channels):
        if reference.startswith("@"):
            names.update(reference[1:].split(","))
    names.discard("")
    if not names:
        return {}
    return {found.username: found.id for found in users_by_usernames(sorted(names))}


def _channel_scope(
    channels: list[Channel], query: ParsedQuery, user_ids: dict[str, str], me: str
) -> set[str]:
    """The ids of ``channels`` left after ``in:`` and ``-in:``."""
    scope = {channel.id for channel in channels}
    if query.in_channels:
        scope &= _channels_named(query.in_channels, channels, user_ids, me)
    if query.excluded_channels:
        scope -= _channels_named(query.excluded_channels, channels, user_ids, me)
    return scope


def _channels_named(
    references: Iterable[str], channels: list[Channel], user_ids: dict[str, str], me: str
) -> set[str]:
    """The channels among ``channels`` that ``in:`` values name: a channel by its name,
    ``@user`` the direct message with that user, ``@user1,user2`` the group message of
    those users (with or without the searcher). Unknown names name nothing."""
    names: set[str] = set()
    for reference in references:
        if not reference.startswith("@"):
            names.add(reference)
            continue
        members = [user_ids.get(name) for name in reference[1:].split(",")]
        others = [member for member in members if member is not None]
        if not others or len(others) != len(members):
            continue
        if len(others) == 1:
            names.add(direct_channel_name(me, others[0]))
        else:
            names.update((group_channel_name(others), group_channel_name([*others, me])))
    return {channel.id for channel in channels if channel.name in names}


def _by_authors(
    posts: QuerySet[Post], query: ParsedQuery, user_ids: dict[str, str]
) -> QuerySet[Post] | None:
    """``posts`` narrowed by ``from:`` and ``-from:``; None when ``from:`` names nobody
    who exists."""
    if query.from_users:
        authors = {user_ids[name] for name in query.from_users if name in user_ids}
        if not authors:
            return None
        posts = posts.filter(user_id__in=sorted(authors))
    excluded = {user_ids[name] for name in query.excluded_users if name in user_ids}
    if excluded:
        posts = posts.exclude(user_id__in=sorted(excluded))
    return posts


# When and what


def _created_in(posts: QuerySet[Post], window: CreatedWindow) -> QuerySet[Post]:
    if window.start is not None:
        posts = posts.filter(create_at__gte=window.start)
    if window.end is not None:
        posts = posts.filter(create_at__lte=window.end)
    for first, last in window.excluded:
        posts = posts.exclude(create_at__range=(first, last))
    return posts


def _matching(posts: QuerySet[Post], plan: SearchPlan) -> QuerySet[Post]:
    """Posts with every term and hashtag (``match_any``: one of them) and none of the
    excluded ones. Hashtags are looked up in the post's ``hashtags`` field, whole and
    case-insensitively, never in its text."""
    query = plan.query
    backend = text_backend()
    if query.hashtags or query.excluded_hashtags:
        tags = Concat(Value(" "), Lower("hashtags"), Value(" "), output_field=CharField())
        posts = posts.alias(**{TAG_LIST: tags})
    wanted: list[Q] = [_tagged(tag) for tag in query.hashtags]
    # The excluded words go into the words' own index query, unless "any of" the words
    # or hashtags is asked for: a hashtag alone must not let an excluded word through.
    together = bool(query.terms) and not (plan.match_any and query.hashtags)
    if query.terms:
        excluded = query.excluded_terms if together else ()
        text = backend.condition(query.terms, match_any=plan.match_any, excluded=excluded)
        wanted.insert(0, text or NOTHING)
    if wanted:
        posts = posts.filter(reduce(operator.or_ if plan.match_any else operator.and_, wanted))
    if query.excluded_terms and not together:
        without = backend.condition((), match_any=False, excluded=query.excluded_terms)
        if without is not None:
            posts = posts.filter(without)
    for tag in query.excluded_hashtags:
        posts = posts.exclude(_tagged(tag))
    return posts


def _tagged(tag: str) -> Q:
    # Most posts have no hashtags: the cheap test first spares them the padded copy.
    return ~Q(hashtags="") & Q(**{f"{TAG_LIST}__contains": f" {tag} "})
