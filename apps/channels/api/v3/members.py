"""API v3 channel membership: joining (by id or name), leaving, adding and removing
members, reading memberships, member roles, notification preferences and marking channels
viewed (4.10's ``view`` and 3.x's ``update_last_viewed_at``)."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import require_self_or_permission
from apps.accounts.selectors import user_get, user_get_or_404
from apps.channels import services
from apps.channels.api.v3.access import channel_of_url, v3_id
from apps.channels.api.v3.wire import (
    V3_NOTIFY_PROPS,
    channel_v3,
    member_v3,
    members_v3,
    notify_props_v3,
)
from apps.channels.api.v4.channel_lists import missing_channel_name
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import (
    channel_get_by_name,
    channel_member_get,
    channel_members_by_user_ids,
)
from apps.channels.services.membership_roles import missing_channel_member
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url, string_map
from apps.core.api.v3.decoding import decoded_object, is_text, string_array, text
from apps.core.errors import AppError
from apps.core.membership import role_names_well_formed
from apps.core.views import STATUS_OK, session_user
from apps.teams.permissions import require_team_permission

TEAM_CHANNELS = "teams/<v3id:team_id>/channels"
ONE_CHANNEL = f"{TEAM_CHANNELS}/<v3id:channel_id>"
# Who may add or remove other members, by channel type; direct and group channels have
# no such permission (the services refuse the change itself).
MANAGE_MEMBERS = {
    CHANNEL_OPEN: "manage_public_channel_members",
    CHANNEL_PRIVATE: "manage_private_channel_members",
}


def _require_manage_members(actor: User, channel: Channel) -> None:
    if channel.type in MANAGE_MEMBERS:
        require_channel_permission(actor, channel.id, MANAGE_MEMBERS[channel.type])


# Joining and leaving


def _join(request: Request, channel: Channel) -> Response:
    """The caller joins ``channel``; the answer is the channel as it was found."""
    actor = session_user(request)
    if channel.type == CHANNEL_OPEN:
        require_team_permission(actor, channel.team_id or "", "join_public_channels")
    services.channel_join(channel=channel, user=actor)
    return Response(channel_v3(channel))


class JoinChannelView(V3View):
    """``POST channels/{channel_id}/join``."""

    @extend_schema(operation_id="v3JoinChannel", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        return _join(request, channel_of_url(channel_id))


class JoinChannelByNameView(V3View):
    """``POST channels/name/{channel_name}/join``."""

    @extend_schema(
        operation_id="v3JoinChannelByName", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, team_id: str, channel_name: str) -> Response:
        require_team_in_url(request, team_id)
        channel = channel_get_by_name(team_id=team_id, name=channel_name)
        if channel is None:
            raise missing_channel_name()
        return _join(request, channel)


class LeaveChannelView(V3View):
    """``POST channels/{channel_id}/leave``."""

    @extend_schema(
        operation_id="v3LeaveChannel", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel = channel_of_url(channel_id)
        services.channel_leave(channel=channel, user=session_user(request))
        return Response({"id": channel.id})


# Adding and removing others


def _member_change(request: Request, team_id: str, channel_id: str) -> tuple[User, Channel, str]:
    """The caller, the channel and the body's ``user_id`` of an add or remove, once the
    caller may manage the channel's members."""
    require_team_in_url(request, team_id)
    user_id = v3_id(string_map(request).get("user_id", ""), "user_id")
    actor = session_user(request)
    channel = channel_of_url(channel_id)
    _require_manage_members(actor, channel)
    return actor, channel, user_id


class AddMemberView(V3View):
    """``POST channels/{channel_id}/add`` ``{"user_id"}``: the new membership."""

    @extend_schema(
        operation_id="v3AddChannelMember",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        actor, channel, user_id = _member_change(request, team_id, channel_id)
        if user_get(user_id) is None:
            raise AppError(
                "api.channel.add_member.find_user.app_error", "There is no user with that id.", 400
            )
        services.channel_check_accepts_members(channel)
        member = services.channel_member_add_checked(channel=channel, user_id=user_id, actor=actor)
        # Adding someone counts as having looked at the channel, as in 4.10.
        services.channel_member_view(user_id=actor.id, channel_ids=[channel.id])
        return Response(member_v3(member))


class RemoveMemberView(V3View):
    """``POST channels/{channel_id}/remove`` ``{"user_id"}``."""

    @extend_schema(
        operation_id="v3RemoveChannelMember",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        actor, channel, user_id = _member_change(request, team_id, channel_id)
        services.channel_member_remove(
            channel=channel, user=user_get_or_404(user_id), remover=actor
        )
        return Response({"channel_id": channel.id, "removed_user_id": user_id})


# Reading memberships


class ChannelMemberView(V3View):
    """``GET channels/{channel_id}/members/{user_id}``."""

    @extend_schema(operation_id="v3GetChannelMember", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str, user_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        user_id = v3_id(user_id, "user_id")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        member = channel_member_get(channel_id=channel_id, user_id=user_id)
        if member is None:
            raise missing_channel_member()
        return Response(member_v3(member))


class ChannelMembersByIdsView(V3View):
    """``POST channels/{channel_id}/members/ids`` with an array of user ids."""

    @extend_schema(
        operation_id="v3GetChannelMembersByIds",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        user_ids = string_array(request, "user_ids")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        members = channel_members_by_user_ids(channel_id=channel_id, user_ids=user_ids)
        return Response(members_v3(members))


# Roles and preferences


class UpdateMemberRolesView(V3View):
    """``POST channels/{channel_id}/update_member_roles`` ``{"user_id", "new_roles"}``."""

    @extend_schema(
        operation_id="v3UpdateChannelMemberRoles",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        props = string_map(request)
        user_id = v3_id(props.get("user_id", ""), "user_id")
        require_channel_permission(session_user(request), channel_id, "manage_channel_roles")
        new_roles = props.get("new_roles", "")
        if not role_names_well_formed(new_roles):
            raise invalid_param("new_roles")
        member = channel_member_get(channel_id=channel_id, user_id=user_id)
        if member is None:
            raise missing_channel_member()
        services.channel_member_set_roles(member=member, roles=new_roles)
        # This route answered in lower case, unlike most.
        return Response({"status": "ok"})


class UpdateNotifyPropsView(V3View):
    """``POST channels/update_notify_props`` ``{"channel_id", "user_id", "desktop",
    "email", "mark_unread", "push"}``: the member's notification settings as they now are."""

    @extend_schema(
        operation_id="v3UpdateChannelNotifyProps",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = string_map(request)
        user_id = v3_id(data.get("user_id", ""), "user_id")
        channel_id = v3_id(data.get("channel_id", ""), "channel_id")
        require_self_or_permission(session_user(request), user_id, "edit_other_users")
        member = services.channel_member_update_notify_props(
            channel_id=channel_id,
            user_id=user_id,
            props={key: data[key] for key in V3_NOTIFY_PROPS if key in data},
        )
        return Response(notify_props_v3(member))


# Viewing


class ViewChannelView(V3View):
    """``POST channels/view`` ``{"channel_id", "prev_channel_id"}``: both channels are
    read now (either may be blank)."""

    @extend_schema(
        operation_id="v3ViewChannel",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        view = decoded_object(
            request, "channel_view", {"channel_id": is_text, "prev_channel_id": is_text}
        )
        channel_ids = [
            v3_id(channel_id, "channel_view")
            for channel_id in (text(view, "channel_id"), text(view, "prev_channel_id"))
            if channel_id
        ]
        services.channel_member_view(user_id=session_user(request).id, channel_ids=channel_ids)
        return Response(STATUS_OK)


class UpdateLastViewedAtView(V3View):
    """``POST channels/{channel_id}/update_last_viewed_at`` (3.0-3.7): the channel is
    read now, if the caller belongs to it."""

    @extend_schema(
        operation_id="v3UpdateLastViewedAt", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        services.channel_member_view(user_id=session_user(request).id, channel_ids=[channel_id])
        return Response({"id": channel_id})


urlpatterns: list[URLPattern] = [
    path(f"{TEAM_CHANNELS}/view", ViewChannelView.as_view(), name="channel-view"),
    path(
        f"{TEAM_CHANNELS}/update_notify_props",
        UpdateNotifyPropsView.as_view(),
        name="channel-update-notify-props",
    ),
    path(
        f"{TEAM_CHANNELS}/name/<v3name:channel_name>/join",
        JoinChannelByNameView.as_view(),
        name="channel-join-by-name",
    ),
    path(f"{ONE_CHANNEL}/join", JoinChannelView.as_view(), name="channel-join"),
    path(f"{ONE_CHANNEL}/leave", LeaveChannelView.as_view(), name="channel-leave"),
    path(f"{ONE_CHANNEL}/add", AddMemberView.as_view(), name="channel-add"),
    path(f"{ONE_CHANNEL}/remove", RemoveMemberView.as_view(), name="channel-remove"),
    # Before members/{user_id}, which would take "ids" for a user id.
    path(
        f"{ONE_CHANNEL}/members/ids",
        ChannelMembersByIdsView.as_view(),
        name="channel-members-by-ids",
    ),
    path(
        f"{ONE_CHANNEL}/members/<v3id:user_id>",
        ChannelMemberView.as_view(),
        name="channel-member",
    ),
    path(
        f"{ONE_CHANNEL}/update_member_roles",
        UpdateMemberRolesView.as_view(),
        name="channel-update-member-roles",
    ),
    path(
        f"{ONE_CHANNEL}/update_last_viewed_at",
        UpdateLastViewedAtView.as_view(),
        name="channel-update-last-viewed-at",
    ),
]
