"""``GET /api/v1/posts/search?terms=`` on API v1: the same query language as v4
(docs/search.md), in the session team's channels and the caller's direct messages. 1.x had
no paging here: the newest matches, up to the legacy limit."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v1.base import V1View, invalid_param
from apps.core.pagination import Page
from apps.core.views import session_user
from apps.posts.api.v1.wire import v1_post_list
from apps.posts.api.v4.search import NO_CACHE
from apps.posts.search.selectors import LEGACY_SEARCH_LIMIT, posts_search_terms
from apps.teams.api.v1.scope import session_team


class PostSearchView(V1View):
    @extend_schema(operation_id="v1SearchPosts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        terms = request.query_params.get("terms", "")
        if not terms:
            raise invalid_param("terms")
        posts = posts_search_terms(
            user=session_user(request),
            terms=terms,
            team_id=session_team(request).id,
            page=Page(page=0, per_page=LEGACY_SEARCH_LIMIT),
        )
        return Response(
            v1_post_list([post.id for post in posts], {post.id: post for post in posts}),
            headers=NO_CACHE,
        )


urlpatterns: list[URLPattern] = [
    path("posts/search", PostSearchView.as_view(), name="posts-search"),
]
