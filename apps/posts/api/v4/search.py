"""Searching posts over API v4: in one team and the caller's direct and group messages
(``POST /teams/{team_id}/posts/search``), or in all of the caller's teams
(``POST /posts/search``). The query language is read by ``apps.posts.search.query`` and
described in docs/search.md.

Check order follows Mattermost's ``searchPostsInTeam``: session, team id, ``view_team``,
then the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.errors import AppError, invalid_body_param
from apps.core.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page
from apps.core.views import MattermostView, session_user, url_id
from apps.posts.api.v4.post_lists import posts_in_order_json
from apps.posts.search.selectors import posts_search_terms
from apps.teams.permissions import require_team_permission

# Search results must never come from a cache: Mattermost sends this on every answer.
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}
# Real offsets from UTC lie within +-14 hours; a day either way is plenty.
MAX_TIME_ZONE_OFFSET = 86_400
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
T = TypeVar("T", str, bool, int)

SEARCH_BODY = {
    "type": "object",
    "required": ["terms"],
    "properties": {
        "terms": {"type": "string"},
        "is_or_search": {"type": "boolean"},
        "time_zone_offset": {"type": "integer", "description": "seconds east of UTC"},
        "include_deleted_channels": {"type": "boolean"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
    },
}


@dataclass(frozen=True)
class SearchRequest:
    terms: str
    is_or_search: bool
    time_zone_offset: int
    include_deleted_channels: bool
    page: Page


def invalid_search_body() -> AppError:
    return AppError(
        "api.post.search_posts.invalid_body.app_error",
        "The search request must be a JSON object of search parameters.",
        400,
    )


def search_request(request: Request) -> SearchRequest:
    """The body as Mattermost decodes it into ``SearchParameter``: an object (or
    ``null``) whose known fields, when present, have their JSON types; anything else,
    an empty body included, is an invalid body. ``terms`` must not be empty."""
    try:
        data = request.data
    except ParseError as error:
        raise invalid_search_body() from error
    if not int(request.META.get("CONTENT_LENGTH") or 0):
        raise invalid_search_body()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid_search_body()
    terms = _field(data, "terms", str, "")
    if not terms:
        raise invalid_body_param("terms")
    offset = _field(data, "time_zone_offset", int, 0)
    if abs(offset) > MAX_TIME_ZONE_OFFSET:
        raise invalid_body_param("time_zone_offset", "seconds from UTC, within a day")
    page = _field(data, "page", int, 0)
    per_page = _field(data, "per_page", int, DEFAULT_PER_PAGE)
    return SearchRequest(
        terms=terms,
        is_or_search=_field(data, "is_or_search", bool, False),
        time_zone_offset=offset,
        include_deleted_channels=_field(data, "include_deleted_channels", bool, False),
        # As the query parameters of list routes: a negative page is the first, a
        # negative per_page the default, and at most 200 posts come at a time.
        page=Page(
            page=max(page, 0),
            per_page=DEFAULT_PER_PAGE if per_page < 0 else min(per_page, MAX_PER_PAGE),
        ),
    )


def _field(data: dict[str, Any], name: str, kind: type[T], default: T) -> T:
    """``data[name]`` if it has the JSON type ``kind`` (an int is a whole number that
    fits Go's int64, never a boolean); missing or null is ``default``."""
    value = data.get(name)
    if value is None:
        return default
    if kind is int:
        valid = type(value) is int and _INT64_MIN <= value <= _INT64_MAX
    else:
        valid = isinstance(value, kind)
    if not valid:
        raise invalid_search_body()
    result: T = value
    return result


def search_response(actor: User, request: Request, team_id: str | None) -> Response:
    params = search_request(request)
    posts = posts_search_terms(
        user=actor,
        terms=params.terms,
        team_id=team_id,
        page=params.page,
        match_any=params.is_or_search,
        time_zone_offset=params.time_zone_offset,
        include_deleted_channels=params.include_deleted_channels,
    )
    body = posts_in_order_json(posts)
    # Search term highlights; only Mattermost's search engines (Elasticsearch, Bleve)
    # fill them, its database search sends null too.
    body["matches"] = None
    return Response(body, headers=NO_CACHE)


class TeamPostSearchView(MattermostView):
    """``POST /teams/{team_id}/posts/search``."""

    @extend_schema(
        operation_id="SearchPosts",
        parameters=[OpenApiParameter("team_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request={"application/json": SEARCH_BODY},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        require_team_permission(actor, team_id, "view_team")
        return search_response(actor, request, team_id)


class PostSearchView(MattermostView):
    """``POST /posts/search``: every team the caller belongs to."""

    @extend_schema(
        operation_id="SearchPostsInAllTeams",
        request={"application/json": SEARCH_BODY},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        return search_response(session_user(request), request, None)


urlpatterns: list[URLPattern] = [
    path(
        "teams/<str:team_id>/posts/search", TeamPostSearchView.as_view(), name="team-posts-search"
    ),
    path("posts/search", PostSearchView.as_view(), name="posts-search"),
]
