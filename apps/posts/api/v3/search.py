"""``POST /teams/{team_id}/posts/search`` on API v3: ``{terms, is_or_search}``, the same
query language as v4 (docs/search.md), in the team's channels and the caller's direct and
group messages. v3 had no paging here: the newest matches, up to the legacy limit."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, is_flag, is_text, text
from apps.core.pagination import Page
from apps.core.views import session_user
from apps.posts.api.v3.wire import posts_in_order_v3
from apps.posts.api.v4.search import NO_CACHE
from apps.posts.search.selectors import LEGACY_SEARCH_LIMIT, posts_search_terms


class TeamPostSearchView(V3View):
    @extend_schema(
        operation_id="v3SearchPosts",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        # Team membership (checked here) is what grants view_team.
        team_id = require_team_in_url(request, team_id)
        actor = session_user(request)
        data = decoded_object(request, "terms", {"terms": is_text, "is_or_search": is_flag})
        terms = text(data, "terms")
        if not terms:
            raise invalid_param("terms")
        posts = posts_search_terms(
            user=actor,
            terms=terms,
            team_id=team_id,
            page=Page(page=0, per_page=LEGACY_SEARCH_LIMIT),
            match_any=data.get("is_or_search") is True,
        )
        return Response(posts_in_order_v3(posts), headers=NO_CACHE)


urlpatterns: list[URLPattern] = [
    path("teams/<v3id:team_id>/posts/search", TeamPostSearchView.as_view(), name="posts-search"),
]
