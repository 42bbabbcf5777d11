"""A team's channels: by name, the public, private and archived lists, a batch by ids,
search and autocomplete. Every list costs one query for its rows, whatever their number."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import ROLE_SYSTEM_GUEST, User
from apps.accounts.permissions import has_system_permission, require_system_permission
from apps.channels.api.v4.access import can_read_public
from apps.channels.models import CHANNEL_OPEN, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import (
    channel_get_by_name,
    channel_ids_joined,
    channels_archived_of_team,
    channels_autocomplete,
    channels_private_of_team,
    channels_public_by_ids,
    channels_public_of_team,
    channels_search_public,
    channels_search_public_joined,
)
from apps.channels.validators import is_valid_channel_name
from apps.channels.wire import channel_fields
from apps.core.body import body_object, body_string_list, optional_str
from apps.core.errors import AppError, invalid_body_param, invalid_url_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.views import MattermostView, query_flag, session_user, url_id
from apps.teams.api.v4.teams import team_name
from apps.teams.permissions import has_team_permission, require_team_permission
from apps.teams.selectors import team_get_by_name, team_member_get

TEAM_ID = OpenApiParameter("team_id", OpenApiTypes.STR, OpenApiParameter.PATH)
PAGING = [
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("per_page", OpenApiTypes.INT),
]


def channel_list(channels: Iterable[Channel]) -> list[dict[str, object]]:
    return [channel_fields(channel) for channel in channels]


def channel_name(value: str) -> str:
    if not is_valid_channel_name(value):
        raise invalid_url_param("channel_name")
    return value


def missing_channel_name() -> AppError:
    return AppError(
        "app.channel.get_by_name.missing.app_error", "The team has no channel of that name.", 404
    )


def visible_by_name(actor: User, channel: Channel) -> Channel:
    """A channel looked up by name, if the caller may see it. A public channel refused is
    a 403; a private one (or a direct or group message) is answered as if it did not exist,
    except to the team's admins, as in Mattermost."""
    if channel.type == CHANNEL_OPEN:
        if not (
            can_read_public(actor, channel)
            or has_channel_permission(actor, channel.id, "read_channel")
        ):
            raise permission_denied(actor.id, "read_public_channel")
        return channel
    if not (
        has_team_permission(actor, channel.team_id or "", "manage_team")
        or has_channel_permission(actor, channel.id, "read_channel")
    ):
        raise missing_channel_name()
    return channel


class ChannelByNameView(MattermostView):
    @extend_schema(
        operation_id="GetChannelByName",
        parameters=[TEAM_ID, OpenApiParameter("include_deleted", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str, name: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        channel = channel_get_by_name(
            team_id=team_id,
            name=channel_name(name),
            include_deleted=query_flag(request, "include_deleted"),
        )
        if channel is None:
            raise missing_channel_name()
        return Response(channel_fields(visible_by_name(actor, channel)))


class ChannelByTeamNameView(MattermostView):
    @extend_schema(
        operation_id="GetChannelByNameForTeamName",
        parameters=[OpenApiParameter("include_deleted", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team: str, name: str) -> Response:
        actor = session_user(request)
        found_team = team_get_by_name(team_name(team))
        name = channel_name(name)
        if found_team is None:
            raise AppError(
                "app.team.get_by_name.missing.app_error", "There is no team of that name.", 404
            )
        channel = channel_get_by_name(
            team_id=found_team.id, name=name, include_deleted=query_flag(request, "include_deleted")
        )
        if channel is None:
            raise missing_channel_name()
        return Response(channel_fields(visible_by_name(actor, channel)))


class PublicChannelsView(MattermostView):
    @extend_schema(
        operation_id="GetPublicChannelsForTeam",
        parameters=[TEAM_ID, *PAGING],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        require_team_permission(actor, team_id, "list_team_channels")
        return Response(channel_list(page_from(request).of(channels_public_of_team(team_id))))


class PrivateChannelsView(MattermostView):
    @extend_schema(
        operation_id="GetPrivateChannelsForTeam",
        parameters=[TEAM_ID, *PAGING],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        require_system_permission(actor, "manage_system")
        return Response(channel_list(page_from(request).of(channels_private_of_team(team_id))))


class DeletedChannelsView(MattermostView):
    @extend_schema(
        operation_id="GetDeletedChannelsForTeam",
        parameters=[TEAM_ID, *PAGING],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str) -> Response:
        """Archived public channels, and the archived private ones the caller is in
        (system admins see every archived private channel)."""
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        require_team_permission(actor, team_id, "list_team_channels")
        channels = channels_archived_of_team(
            team_id=team_id,
            user_id=actor.id,
            every_private=has_system_permission(actor, "manage_system"),
        )
        return Response(channel_list(page_from(request).of(channels)))


class PublicChannelsByIdsView(MattermostView):
    @extend_schema(
        operation_id="GetPublicChannelsByIdsForTeam",
        parameters=[TEAM_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        channel_ids = sorted(set(body_string_list(request, "channel_ids")))
        if not all(is_valid_id(channel_id) for channel_id in channel_ids):
            raise invalid_body_param("channel_id")
        require_team_permission(actor, team_id, "view_team")
        channels = channels_public_by_ids(team_id=team_id, channel_ids=channel_ids)
        if not channels:
            raise AppError(
                "app.channel.get_channels_by_ids.not_found.app_error",
                "None of these ids is a public channel of the team.",
                404,
            )
        if ROLE_SYSTEM_GUEST in actor.role_names:
            # Guests see only the channels they were let into.
            joined = channel_ids_joined(
                user_id=actor.id, channel_ids=[channel.id for channel in channels]
            )
            if len(joined) != len(channels):
                raise permission_denied(actor.id, "read_channel")
        return Response(channel_list(channels))


class SearchChannelsView(MattermostView):
    @extend_schema(
        operation_id="SearchChannels",
        parameters=[TEAM_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        """Public channels whose name, display name or purpose matches ``term``. Those who
        may not list the team's channels search only the ones they belong to."""
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        term = optional_str(body_object(request, "channel_search"), "term") or ""
        if has_team_permission(actor, team_id, "list_team_channels"):
            return Response(channel_list(channels_search_public(team_id=team_id, term=term)))
        if team_member_get(team_id=team_id, user_id=actor.id) is None:
            raise AppError(
                "app.team.get_member.missing.app_error",
                "You are not a member of that team.",
                404,
            )
        channels = channels_search_public_joined(team_id=team_id, user_id=actor.id, term=term)
        return Response(channel_list(channels))


class AutocompleteChannelsView(MattermostView):
    @extend_schema(
        operation_id="AutocompleteChannelsForTeam",
        parameters=[TEAM_ID, OpenApiParameter("name", OpenApiTypes.STR)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        require_team_permission(actor, team_id, "list_team_channels")
        term = request.query_params.get("name", "")
        return Response(
            channel_list(channels_autocomplete(team_id=team_id, user_id=actor.id, term=term))
        )


urlpatterns: list[URLPattern] = [
    path("teams/<str:team_id>/channels", PublicChannelsView.as_view(), name="team-channels"),
    path(
        "teams/<str:team_id>/channels/private",
        PrivateChannelsView.as_view(),
        name="team-channels-private",
    ),
    path(
        "teams/<str:team_id>/channels/deleted",
        DeletedChannelsView.as_view(),
        name="team-channels-deleted",
    ),
    path(
        "teams/<str:team_id>/channels/ids",
        PublicChannelsByIdsView.as_view(),
        name="team-channels-ids",
    ),
    path(
        "teams/<str:team_id>/channels/search",
        SearchChannelsView.as_view(),
        name="team-channels-search",
    ),
    path(
        "teams/<str:team_id>/channels/autocomplete",
        AutocompleteChannelsView.as_view(),
        name="team-channels-autocomplete",
    ),
    path(
        "teams/<str:team_id>/channels/name/<str:name>",
        ChannelByNameView.as_view(),
        name="team-channel-by-name",
    ),
    path(
        "teams/name/<str:team>/channels/name/<str:name>",
        ChannelByTeamNameView.as_view(),
        name="team-name-channel-by-name",
    ),
]
