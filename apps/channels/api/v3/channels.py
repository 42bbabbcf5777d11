"""API v3 routes for one channel: creating (public, private, direct, group), updating
(all fields, header, purpose), reading (with the caller's membership, by name, statistics,
3.4's extra info) and deleting.

Every route sits under ``/teams/{team_id}/`` and checks that team first. Check order
follows the 4.10 handlers (``api/channel.go``), so a caller sees the same error first.
"""

from __future__ import annotations

from django.urls import URLPattern, path, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_system_permission
from apps.accounts.selectors import user_get
from apps.channels import services
from apps.channels.api.v3.access import (
    channel_of_url,
    membership_of,
    require_team_channel,
    v3_id,
)
from apps.channels.api.v3.wire import (
    channel_data_etag,
    channel_data_v3,
    channel_etag,
    channel_extra_info,
    channel_stats_v3,
    channel_v3,
)
from apps.channels.api.v4.access import channel_or_404, require_editable
from apps.channels.api.v4.channel_lists import missing_channel_name
from apps.channels.api.v4.channels import (
    CREATE_PERMISSIONS,
    DELETE_PERMISSIONS,
    require_users_visible,
)
from apps.channels.models import Channel
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import (
    channel_get_by_name,
    channel_member_counts,
    channel_members_with_users,
)
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url, string_map
from apps.core.api.v3.decoding import decoded_object, is_int64, is_text, string_array, text
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.views import session_user
from apps.teams.api.v4.teams import missing_team
from apps.teams.permissions import require_team_permission
from apps.teams.selectors import team_get

TEAM_CHANNELS = "teams/<v3id:team_id>/channels"
ONE_CHANNEL = f"{TEAM_CHANNELS}/<v3id:channel_id>"
# model.Channel as a body: its string and integer fields.
CHANNEL_BODY = {
    **{
        name: is_text
        for name in (
            "id",
            "team_id",
            "type",
            "display_name",
            "name",
            "header",
            "purpose",
            "creator_id",
        )
    },
    **{
        name: is_int64
        for name in (
            "create_at",
            "update_at",
            "delete_at",
            "last_post_at",
            "total_msg_count",
            "extra_update_at",
        )
    },
}
# The header and purpose routes refuse more than this many bytes before anything else.
HEADER_OR_PURPOSE_MAX_BYTES = 1024
# 3.4's extra_info lists this many members when the URL names no limit.
EXTRA_INFO_MEMBER_LIMIT = 10_000


def _deleted_channel_error() -> AppError:
    return AppError(
        "api.channel.get_channel_extra_info.deleted.app_error",
        "The channel is archived.",
        400,
    )


# Creating


class CreateChannelView(V3View):
    """``POST channels/create``: a public or private channel, in the body's team (the
    URL's when the body names none)."""

    @extend_schema(
        operation_id="v3CreateChannel",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = decoded_object(request, "channel", CHANNEL_BODY)
        actor = session_user(request)
        channel_team_id = text(data, "team_id") or team_id
        channel_type = text(data, "type")
        if channel_type in CREATE_PERMISSIONS:
            require_team_permission(actor, channel_team_id, CREATE_PERMISSIONS[channel_type])
        team = team_get(channel_team_id)
        if team is None:
            raise missing_team()
        channel = services.channel_create(
            team=team,
            creator=actor,
            name=text(data, "name"),
            display_name=text(data, "display_name"),
            type=channel_type,
            header=text(data, "header"),
            purpose=text(data, "purpose"),
        )
        return Response(channel_v3(channel))


class CreateDirectChannelView(V3View):
    """``POST channels/create_direct`` ``{"user_id"}``: the caller's direct channel with
    that user, created on first use."""

    @extend_schema(
        operation_id="v3CreateDirectChannel",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor = session_user(request)
        require_system_permission(actor, "create_direct_channel")
        other_id = v3_id(string_map(request).get("user_id", ""), "user_id")
        other = user_get(other_id)
        if other is None:
            raise AppError(
                "api.channel.create_direct_channel.invalid_user.app_error",
                "There is no user with that id.",
                400,
            )
        require_users_visible(actor, [actor.id, other.id])
        conversation = services.direct_channel_get_or_create(user=actor, other_user=other)
        return Response(channel_v3(conversation.channel))


class CreateGroupChannelView(V3View):
    """``POST channels/create_group`` with an array of user ids (the caller is added)."""

    @extend_schema(
        operation_id="v3CreateGroupChannel",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor = session_user(request)
        require_system_permission(actor, "create_group_channel")
        user_ids = string_array(request, "user_ids")
        if actor.id not in user_ids:
            user_ids.append(actor.id)
        require_users_visible(actor, user_ids)
        conversation = services.group_channel_get_or_create(user_ids=user_ids)
        return Response(channel_v3(conversation.channel))


# Updating


def _editable_by_member(request: Request, channel_id: str) -> Channel:
    """The channel to edit: it exists, the caller belongs to it and may edit it."""
    actor = session_user(request)
    channel = channel_or_404(channel_id)
    membership_of(channel, actor)
    require_editable(actor, channel)
    return channel


class UpdateChannelView(V3View):
    """``POST channels/update`` with the channel: the header and purpose take the body's
    values, the display name and name only when given."""

    @extend_schema(
        operation_id="v3UpdateChannel",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = decoded_object(request, "channel", CHANNEL_BODY)
        channel = _editable_by_member(request, text(data, "id"))
        channel = services.channel_update(
            channel=channel,
            actor=session_user(request),
            display_name=text(data, "display_name"),
            name=text(data, "name"),
            header=text(data, "header"),
            purpose=text(data, "purpose"),
            type=text(data, "type"),
        )
        return Response(channel_v3(channel))


class UpdateChannelHeaderView(V3View):
    """``POST channels/update_header`` ``{"channel_id", "channel_header"}``."""

    field = "header"
    body_key = "channel_header"

    @extend_schema(
        operation_id="v3UpdateChannelHeader",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        props = string_map(request)
        channel_id = v3_id(props.get("channel_id", ""), "channel_id")
        value = props.get(self.body_key, "")
        if len(value.encode()) > HEADER_OR_PURPOSE_MAX_BYTES:
            raise invalid_param(self.body_key)
        channel = _editable_by_member(request, channel_id)
        channel = services.channel_patch(
            channel=channel, changes={self.field: value}, actor=session_user(request)
        )
        return Response(channel_v3(channel))


class UpdateChannelPurposeView(UpdateChannelHeaderView):
    """``POST channels/update_purpose`` ``{"channel_id", "channel_purpose"}``."""

    field = "purpose"
    body_key = "channel_purpose"

    @extend_schema(
        operation_id="v3UpdateChannelPurpose",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        return super().post(request, team_id)


# Reading


class ChannelDataView(V3View):
    """``GET channels/{channel_id}/``: the channel and the caller's membership of it."""

    @extend_schema(operation_id="v3GetChannel", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel = channel_of_url(channel_id)
        require_team_channel(channel, team_id)
        member = membership_of(channel, session_user(request))
        return etag_response(
            request, channel_data_etag(channel, member), lambda: channel_data_v3(channel, member)
        )


class ChannelByNameView(V3View):
    """``GET channels/name/{channel_name}``."""

    @extend_schema(operation_id="v3GetChannelByName", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_name: str) -> Response:
        require_team_in_url(request, team_id)
        channel = channel_get_by_name(team_id=team_id, name=channel_name)
        if channel is None:
            raise missing_channel_name()
        require_channel_permission(session_user(request), channel.id, "read_channel")
        require_team_channel(channel, team_id)
        return etag_response(request, channel_etag(channel), lambda: channel_v3(channel))


class ChannelStatsView(V3View):
    """``GET channels/{channel_id}/stats``: how many active users belong to it."""

    @extend_schema(operation_id="v3GetChannelStats", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel = channel_of_url(channel_id)
        if channel.delete_at:
            raise _deleted_channel_error()
        require_channel_permission(session_user(request), channel.id, "read_channel")
        member_count, _ = channel_member_counts(channel.id)
        return Response(channel_stats_v3(channel, member_count))


class ChannelExtraInfoView(V3View):
    """``GET channels/{channel_id}/extra_info[/{member_limit}]`` (3.0-3.4): some members
    and the member count, for the caller's own channels."""

    @extend_schema(operation_id="v3GetChannelExtraInfo", responses={200: OpenApiTypes.OBJECT})
    def get(
        self,
        request: Request,
        team_id: str,
        channel_id: str,
        member_limit: str = str(EXTRA_INFO_MEMBER_LIMIT),
    ) -> Response:
        require_team_in_url(request, team_id)
        limit = int(member_limit)
        channel = channel_of_url(channel_id)
        membership_of(channel, session_user(request))
        if channel.delete_at:
            raise _deleted_channel_error()
        members = channel_members_with_users(channel_id=channel.id, limit=limit)
        member_count, _ = channel_member_counts(channel.id)
        return Response(channel_extra_info(channel, members, member_count))


@extend_schema_view(
    get=extend_schema(
        operation_id="v3GetChannelExtraInfoWithLimit", responses={200: OpenApiTypes.OBJECT}
    )
)
class ChannelExtraInfoLimitView(ChannelExtraInfoView):
    """The same with ``/{member_limit}`` (1.4+ and 3.x): its own operation in the schema."""


# Deleting


class DeleteChannelView(V3View):
    """``POST channels/{channel_id}/delete``: archive a public or private channel."""

    @extend_schema(
        operation_id="v3DeleteChannel", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor = session_user(request)
        channel = channel_of_url(channel_id)
        services.channel_check_deletable(channel)
        require_channel_permission(actor, channel.id, DELETE_PERMISSIONS[channel.type])
        services.channel_archive(channel=channel, actor=actor)
        return Response({"id": channel.id})


urlpatterns: list[URLPattern] = [
    path(f"{TEAM_CHANNELS}/create", CreateChannelView.as_view(), name="channel-create"),
    path(
        f"{TEAM_CHANNELS}/create_direct",
        CreateDirectChannelView.as_view(),
        name="channel-create-direct",
    ),
    path(
        f"{TEAM_CHANNELS}/create_group",
        CreateGroupChannelView.as_view(),
        name="channel-create-group",
    ),
    path(f"{TEAM_CHANNELS}/update", UpdateChannelView.as_view(), name="channel-update"),
    path(
        f"{TEAM_CHANNELS}/update_header",
        UpdateChannelHeaderView.as_view(),
        name="channel-update-header",
    ),
    path(
        f"{TEAM_CHANNELS}/update_purpose",
        UpdateChannelPurposeView.as_view(),
        name="channel-update-purpose",
    ),
    path(
        f"{TEAM_CHANNELS}/name/<v3name:channel_name>",
        ChannelByNameView.as_view(),
        name="channel-by-name",
    ),
    path(f"{ONE_CHANNEL}/", ChannelDataView.as_view(), name="channel"),
    path(f"{ONE_CHANNEL}/stats", ChannelStatsView.as_view(), name="channel-stats"),
    path(f"{ONE_CHANNEL}/extra_info", ChannelExtraInfoView.as_view(), name="channel-extra-info"),
    re_path(
        r"^teams/(?P<team_id>[A-Za-z0-9]+)/channels/(?P<channel_id>[A-Za-z0-9]+)"
        r"/extra_info/(?P<member_limit>-?[0-9]{1,18})$",
        ChannelExtraInfoLimitView.as_view(),
        name="channel-extra-info-limit",
    ),
    path(f"{ONE_CHANNEL}/delete", DeleteChannelView.as_view(), name="channel-delete"),
]
