"""Channels one at a time: creating (public, private, direct, group), reading, editing,
changing privacy, archiving, restoring, deleting and their statistics. The lists of a
team's channels are in ``channel_lists``."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_system_permission
from apps.accounts.selectors import users_by_ids
from apps.channels import services
from apps.channels.api.v4 import channel_lists
from apps.channels.api.v4.access import (
    channel_or_404,
    require_editable,
    require_readable,
)
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE
from apps.channels.permissions import has_channel_permission, require_channel_permission
from apps.channels.selectors import (
    channel_member_counts,
    channels_all,
    users_sharing_a_team_or_channel,
)
from apps.channels.wire import channel_fields, channel_with_team_fields
from apps.core.body import body_object, body_string_list, optional_str
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.views import STATUS_OK, MattermostView, query_flag, session_user, url_id
from apps.posts.file_selectors import channel_file_count
from apps.teams.api.v4.teams import missing_team
from apps.teams.permissions import has_team_permission, require_team_permission
from apps.teams.selectors import team_get

CHANNEL_ID = OpenApiParameter("channel_id", OpenApiTypes.STR, OpenApiParameter.PATH)
# Who may create a channel of each kind, in its team.
CREATE_PERMISSIONS = {
    CHANNEL_OPEN: "create_public_channel",
    CHANNEL_PRIVATE: "create_private_channel",
}
DELETE_PERMISSIONS = {
    CHANNEL_OPEN: "delete_public_channel",
    CHANNEL_PRIVATE: "delete_private_channel",
}
# Any of these lets one list every channel of the server (the system console's pages).
SYSTEM_CONSOLE_CHANNELS = (
    "sysconsole_read_user_management_channels",
    "sysconsole_write_user_management_groups",
    "sysconsole_read_compliance_data_retention_policy",
)
DEFAULT_CHANNEL_NAMES = tuple(name for name, _ in services.DEFAULT_CHANNELS)
# Privacy requested → the permission converting to it needs.
CONVERT_PERMISSIONS = {
    CHANNEL_OPEN: "convert_private_channel_to_public",
    CHANNEL_PRIVATE: "convert_public_channel_to_private",
}


def require_users_visible(actor: User, user_ids: list[str]) -> None:
    """Without ``view_members`` one sees only the people one shares a team or a channel
    with, and may start conversations only with them."""
    if has_system_permission(actor, "view_members"):
        return
    others = set(user_ids) - {actor.id}
    if others - users_sharing_a_team_or_channel(user_id=actor.id, other_ids=list(others)):
        raise permission_denied(actor.id, "view_members")


class ChannelsView(MattermostView):
    """``POST /channels`` creates a public or private channel; ``GET /channels`` lists
    every channel (system console)."""

    @extend_schema(
        operation_id="CreateChannel",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "channel")
        team_id = optional_str(data, "team_id") or ""
        display_name = optional_str(data, "display_name") or ""
        channel_type = optional_str(data, "type") or ""
        name = optional_str(data, "name") or ""
        header = optional_str(data, "header") or ""
        purpose = optional_str(data, "purpose") or ""
        if not team_id:
            raise invalid_body_param("team_id")
        if not display_name:
            raise invalid_body_param("display_name")
        actor = session_user(request)
        if channel_type in CREATE_PERMISSIONS:
            require_team_permission(actor, team_id, CREATE_PERMISSIONS[channel_type])
        team = team_get(team_id)
        if team is None:
            raise missing_team()
        channel = services.channel_create(
            team=team,
            creator=actor,
            name=name,
            display_name=display_name,
            type=channel_type,
            header=header,
            purpose=purpose,
        )
        return Response(channel_fields(channel), status=201)

    @extend_schema(
        operation_id="GetAllChannels",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("per_page", OpenApiTypes.INT),
            OpenApiParameter("include_deleted", OpenApiTypes.BOOL),
            OpenApiParameter("exclude_default_channels", OpenApiTypes.BOOL),
            OpenApiParameter("include_total_count", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        actor = session_user(request)
        if not any(has_system_permission(actor, name) for name in SYSTEM_CONSOLE_CHANNELS):
            raise permission_denied(actor.id, SYSTEM_CONSOLE_CHANNELS[0])
        excluded = DEFAULT_CHANNEL_NAMES if query_flag(request, "exclude_default_channels") else ()
        channels = channels_all(
            include_deleted=query_flag(request, "include_deleted"), exclude_names=excluded
        )
        page = [channel_with_team_fields(channel) for channel in page_from(request).of(channels)]
        if query_flag(request, "include_total_count"):
            return Response({"channels": page, "total_count": channels.count()})
        return Response(page)


class DirectChannelView(MattermostView):
    @extend_schema(
        operation_id="CreateDirectChannel",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        user_ids = list(dict.fromkeys(body_string_list(request, "user_ids")))
        if user_ids == [actor.id]:
            user_ids = [actor.id, actor.id]  # a note to self
        if len(user_ids) != 2:
            raise invalid_body_param("user_ids")
        if not all(is_valid_id(user_id) for user_id in user_ids):
            raise invalid_body_param("user_id")
        require_system_permission(actor, "create_direct_channel")
        if actor.id not in user_ids:
            # Only admins may open a conversation between two other people.
            require_system_permission(actor, "manage_system")
        require_users_visible(actor, user_ids)
        users = {user.id: user for user in users_by_ids(user_ids)}
        if any(user_id not in users for user_id in user_ids):
            raise AppError(
                "api.channel.create_direct_channel.invalid_user.app_error",
                "One of these users does not exist.",
                400,
            )
        conversation = services.direct_channel_get_or_create(
            user=users[user_ids[0]], other_user=users[user_ids[1]]
        )
        # 201 even when the conversation already existed, as in Mattermost.
        return Response(channel_fields(conversation.channel), status=201)


class GroupChannelView(MattermostView):
    @extend_schema(
        operation_id="CreateGroupChannel",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        user_ids = sorted(set(body_string_list(request, "user_ids")))
        if not all(is_valid_id(user_id) for user_id in user_ids):
            raise invalid_body_param("user_id")
        if actor.id not in user_ids:
            user_ids.append(actor.id)  # the caller is always in their own group message
        require_system_permission(actor, "create_group_channel")
        require_users_visible(actor, user_ids)
        conversation = services.group_channel_get_or_create(user_ids=user_ids)
        return Response(channel_fields(conversation.channel), status=201)


class ChannelView(MattermostView):
    @extend_schema(
        operation_id="GetChannel", parameters=[CHANNEL_ID], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, channel_id: str) -> Response:
        actor = session_user(request)
        channel = channel_or_404(url_id(channel_id, "channel_id"))
        # As in Mattermost, a private channel the caller may not read is a 403 (it does
        # not hide that the id exists, but shows nothing of the channel).
        require_readable(actor, channel)
        return Response(channel_fields(channel))

    @extend_schema(
        operation_id="UpdateChannel",
        parameters=[CHANNEL_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        data = body_object(request, "channel")
        if data.get("id") != channel_id:
            raise invalid_body_param("channel_id")
        fields = {
            name: optional_str(data, name) or "" for name in (*services.EDITABLE_FIELDS, "type")
        }
        actor = session_user(request)
        channel = channel_or_404(channel_id)
        require_editable(actor, channel)
        channel = services.channel_update(channel=channel, actor=actor, **fields)
        return Response(channel_fields(channel))

    @extend_schema(
        operation_id="DeleteChannel",
        parameters=[CHANNEL_ID, OpenApiParameter("permanent", OpenApiTypes.BOOL)],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, channel_id: str) -> Response:
        actor = session_user(request)
        channel = channel_or_404(url_id(channel_id, "channel_id"))
        services.channel_check_deletable(channel)
        require_channel_permission(actor, channel.id, DELETE_PERMISSIONS[channel.type])
        if not query_flag(request, "permanent"):
            services.channel_archive(channel=channel, actor=actor)
            return Response(STATUS_OK)
        if not settings.MATTERMOST.enable_api_channel_deletion:
            suffix = ".for_admin" if actor.is_system_admin else ""
            raise AppError(
                f"api.user.delete_channel.not_enabled{suffix}.app_error",
                "Deleting channels for good is switched off on this server.",
                401,
                f"channelId={channel.id}",
            )
        require_system_permission(actor, "manage_system")
        services.channel_delete_permanently(channel=channel)
        return Response(STATUS_OK)


class ChannelPatchView(MattermostView):
    @extend_schema(
        operation_id="PatchChannel",
        parameters=[CHANNEL_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        data = body_object(request, "channel")
        # As in Mattermost, a field that is absent or null stays as it is.
        changes = {
            name: value
            for name in services.EDITABLE_FIELDS
            if (value := optional_str(data, name)) is not None
        }
        actor = session_user(request)
        channel = channel_or_404(channel_id)
        require_editable(actor, channel)
        channel = services.channel_patch(channel=channel, changes=changes, actor=actor)
        return Response(channel_fields(channel))


class ChannelPrivacyView(MattermostView):
    @extend_schema(
        operation_id="UpdateChannelPrivacy",
        parameters=[CHANNEL_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        privacy = body_object(request, "privacy").get("privacy")
        if privacy not in CONVERT_PERMISSIONS:
            raise invalid_body_param("privacy")
        actor = session_user(request)
        channel = channel_or_404(channel_id)
        require_channel_permission(actor, channel.id, CONVERT_PERMISSIONS[privacy])
        channel = services.channel_set_privacy(channel=channel, privacy=privacy)
        return Response(channel_fields(channel))


class ChannelRestoreView(MattermostView):
    @extend_schema(
        operation_id="RestoreChannel",
        parameters=[CHANNEL_ID],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, channel_id: str) -> Response:
        actor = session_user(request)
        channel = channel_or_404(url_id(channel_id, "channel_id"))
        if not (
            has_team_permission(actor, channel.team_id or "", "manage_team")
            or has_system_permission(actor, "sysconsole_write_user_management_channels")
        ):
            raise permission_denied(actor.id, "manage_team")
        channel = services.channel_restore(channel=channel, actor=actor)
        return Response(channel_fields(channel))


class ChannelStatsView(MattermostView):
    @extend_schema(
        operation_id="GetChannelStats",
        parameters=[CHANNEL_ID, OpenApiParameter("exclude_files_count", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, channel_id: str) -> Response:
        actor = session_user(request)
        channel_id = url_id(channel_id, "channel_id")
        if not has_channel_permission(actor, channel_id, "read_channel"):
            raise permission_denied(actor.id, "read_channel")
        channel = channel_or_404(channel_id)
        members, guests = channel_member_counts(channel.id)
        return Response(
            {
                "channel_id": channel.id,
                "member_count": members,
                "guest_count": guests,
                # Pins are not stored yet, so nothing is pinned.
                "pinnedpost_count": 0,
                # Mattermost sends -1 when the count is not asked for.
                "files_count": (
                    -1
                    if query_flag(request, "exclude_files_count")
                    else channel_file_count(channel.id)
                ),
            }
        )


urlpatterns: list[URLPattern] = [
    path("channels", ChannelsView.as_view(), name="channels"),
    path("channels/direct", DirectChannelView.as_view(), name="channel-direct"),
    path("channels/group", GroupChannelView.as_view(), name="channel-group"),
    path("channels/<str:channel_id>", ChannelView.as_view(), name="channel"),
    path("channels/<str:channel_id>/patch", ChannelPatchView.as_view(), name="channel-patch"),
    path("channels/<str:channel_id>/privacy", ChannelPrivacyView.as_view(), name="channel-privacy"),
    path("channels/<str:channel_id>/restore", ChannelRestoreView.as_view(), name="channel-restore"),
    path("channels/<str:channel_id>/stats", ChannelStatsView.as_view(), name="channel-stats"),
    *channel_lists.urlpatterns,
]
