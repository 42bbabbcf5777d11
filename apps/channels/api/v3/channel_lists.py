"""API v3 lists of a team's channels: the caller's channels, their message counts and
memberships, the public channels they could join (paged, searched, and 3.4's whole
list), and autocomplete. Each list costs one query for its rows, whatever their number."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.channels.api.v3.wire import (
    channel_counts_etag,
    channel_counts_v3,
    channels_v3,
    classic_channel_list,
    members_v3,
)
from apps.channels.api.v4.user_channels import channel_list_etag
from apps.channels.selectors import (
    channel_memberships_of_user_in_team,
    channels_of_user_in_team,
    channels_public_not_joined,
    channels_search_public,
    channels_search_public_not_joined,
)
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, is_text, text, url_number
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.pagination import rows_from
from apps.core.views import session_user
from apps.teams.permissions import require_team_permission

TEAM_CHANNELS = "teams/<v3id:team_id>/channels"
# 3.x sent the whole "more channels" list, up to this many.
CLASSIC_MORE_LIMIT = 10_000


class MyChannelsView(V3View):
    """``GET channels/``: the team's channels the caller belongs to and all their direct
    and group channels, by display name, with the channel list ETag."""

    @extend_schema(operation_id="v3GetChannels", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        channels = channels_of_user_in_team(user_id=session_user(request).id, team_id=team_id)
        if not channels:
            # 4.10's store reported an empty list as an error.
            raise AppError(
                "store.sql_channel.get_channels.not_found.app_error",
                "You belong to no channel of this team.",
                400,
            )
        return etag_response(request, channel_list_etag(channels), lambda: channels_v3(channels))


class ChannelCountsView(V3View):
    """``GET channels/counts``: message totals and update times of the caller's channels."""

    @extend_schema(operation_id="v3GetChannelCounts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        channels = channels_of_user_in_team(user_id=session_user(request).id, team_id=team_id)
        counts = channel_counts_v3(channels)
        return etag_response(request, channel_counts_etag(counts), counts)


class MyChannelMembersView(V3View):
    """``GET channels/members``: the caller's memberships of the team's channels and of
    their direct and group channels."""

    @extend_schema(operation_id="v3GetMyChannelMembers", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        members = channel_memberships_of_user_in_team(
            user_id=session_user(request).id, team_id=team_id
        )
        return Response(members_v3(members))


class MoreChannelsPageView(V3View):
    """``GET channels/more/{offset}/{limit}``: public channels the caller is not in, by
    display name; ``offset`` counts channels. The list ETag is sent, but (as in 4.10)
    not compared."""

    @extend_schema(operation_id="v3GetMoreChannelsPage", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, offset: int, limit: int) -> Response:
        require_team_in_url(request, team_id)
        window = rows_from(url_number(offset, "offset"), url_number(limit, "limit"))
        actor = session_user(request)
        require_team_permission(actor, team_id, "list_team_channels")
        channels = window.of(channels_public_not_joined(team_id=team_id, user_id=actor.id))
        return Response(channels_v3(channels), headers={"ETag": channel_list_etag(channels)})


class ClassicMoreChannelsView(V3View):
    """``GET channels/more`` (3.0-3.7): every public channel the caller could join, as
    3.4's ``ChannelList`` with no memberships."""

    @extend_schema(operation_id="v3GetMoreChannels", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor = session_user(request)
        require_team_permission(actor, team_id, "list_team_channels")
        channels = list(
            channels_public_not_joined(team_id=team_id, user_id=actor.id)[:CLASSIC_MORE_LIMIT]
        )
        return etag_response(
            request, channel_list_etag(channels), lambda: classic_channel_list(channels)
        )


class SearchMoreChannelsView(V3View):
    """``POST channels/more/search`` ``{"term"}``: public channels the caller could join
    whose name, display name or purpose matches."""

    @extend_schema(
        operation_id="v3SearchMoreChannels",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        term = text(decoded_object(request, "term", {"term": is_text}), "term")
        if not term:
            raise invalid_param("term")
        channels = channels_search_public_not_joined(
            team_id=team_id, user_id=session_user(request).id, term=term
        )
        return Response(channels_v3(channels))


class AutocompleteChannelsView(V3View):
    """``GET channels/autocomplete?term=``: the team's public channels matching the term."""

    @extend_schema(
        operation_id="v3AutocompleteChannels",
        parameters=[OpenApiParameter("term", OpenApiTypes.STR)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        term = request.query_params.get("term", "")
        return Response(channels_v3(channels_search_public(team_id=team_id, term=term)))


urlpatterns: list[URLPattern] = [
    path(f"{TEAM_CHANNELS}/", MyChannelsView.as_view(), name="channels"),
    path(f"{TEAM_CHANNELS}/counts", ChannelCountsView.as_view(), name="channel-counts"),
    path(f"{TEAM_CHANNELS}/members", MyChannelMembersView.as_view(), name="channel-members-mine"),
    path(f"{TEAM_CHANNELS}/more", ClassicMoreChannelsView.as_view(), name="channels-more"),
    path(
        f"{TEAM_CHANNELS}/more/<int:offset>/<int:limit>",
        MoreChannelsPageView.as_view(),
        name="channels-more-page",
    ),
    path(
        f"{TEAM_CHANNELS}/more/search",
        SearchMoreChannelsView.as_view(),
        name="channels-more-search",
    ),
    path(
        f"{TEAM_CHANNELS}/autocomplete",
        AutocompleteChannelsView.as_view(),
        name="channels-autocomplete",
    ),
]
