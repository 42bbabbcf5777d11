"""Channel membership over API v4: listing members, adding and removing them, member roles
and notification preferences, and marking channels viewed."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import require_self_or_permission
from apps.accounts.selectors import user_get_or_404
from apps.channels.member_wire import channel_member_fields
from apps.channels.models import (
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    Channel,
    ChannelMember,
)
from apps.channels.permissions import has_channel_permission, require_channel_permission
from apps.channels.selectors import (
    channel_get,
    channel_member_get,
    channel_members_by_user_ids,
    channel_members_page,
)
from apps.channels.services import (
    channel_check_accepts_members,
    channel_member_add_checked,
    channel_member_remove,
    channel_member_set_roles,
    channel_member_set_scheme_roles,
    channel_member_update_notify_props,
    channel_member_view,
)
from apps.channels.services.membership_roles import missing_channel_member
from apps.core.body import (
    SCHEME_FLAGS_SCHEMA,
    body_object,
    body_roles,
    body_scheme_flags,
    body_string_list,
)
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.roles import SYSTEM_GUEST
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.teams.permissions import has_team_permission

# Mattermost's limit on the users one request may add to a channel.
MAX_USERS_ADDED = 1000

CHANNEL_MEMBER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "channel_id": {"type": "string"},
        "user_id": {"type": "string"},
        "roles": {"type": "string"},
        **{
            name: {"type": "integer"}
            for name in (
                "last_viewed_at",
                "msg_count",
                "mention_count",
                "mention_count_root",
                "urgent_mention_count",
                "msg_count_root",
                "last_update_at",
            )
        },
        "notify_props": {"type": "object", "additionalProperties": {"type": "string"}},
        "scheme_guest": {"type": "boolean"},
        "scheme_user": {"type": "boolean"},
        "scheme_admin": {"type": "boolean"},
        "explicit_roles": {"type": "string"},
    },
}
CHANNEL_MEMBER_LIST_SCHEMA = {"type": "array", "items": CHANNEL_MEMBER_SCHEMA}


def channel_or_404(channel_id: str) -> Channel:
    channel = channel_get(channel_id)
    if channel is None:
        raise AppError(
            "app.channel.get.existing.app_error", "There is no channel with that id.", 404
        )
    return channel


def member_or_404(channel_id: str, user_id: str) -> ChannelMember:
    member = channel_member_get(channel_id=channel_id, user_id=user_id)
    if member is None:
        raise missing_channel_member()
    return member


def members_json(members: list[ChannelMember]) -> list[dict[str, Any]]:
    return [channel_member_fields(member) for member in members]


# Adding members


def _users_to_add(data: dict[str, Any]) -> list[str]:
    """``user_ids`` (a list) or else ``user_id``, each a well-formed id."""
    user_ids = data.get("user_ids")
    if isinstance(user_ids, list):
        # An empty list adds nobody; Mattermost would answer 201 with null.
        if not user_ids or len(user_ids) > MAX_USERS_ADDED:
            raise invalid_body_param("user_ids")
        if not all(isinstance(user_id, str) and is_valid_id(user_id) for user_id in user_ids):
            raise invalid_body_param("user_id in user_ids")
        return list(dict.fromkeys(user_ids))
    user_id = data.get("user_id")
    if not isinstance(user_id, str) or not is_valid_id(user_id):
        raise invalid_body_param("user_id or user_ids")
    return [user_id]


def _check_channel_accepts_members(actor: User, channel: Channel) -> None:
    if SYSTEM_GUEST in actor.role_names:
        require_channel_permission(actor, channel.id, "read_channel")
    channel_check_accepts_members(channel)


def _add_members(actor: User, channel: Channel, user_ids: list[str]) -> list[ChannelMember]:
    """Add each user the actor may add, as Mattermost does: joining a public channel needs
    ``join_public_channels`` in its team, adding others ``manage_public_channel_members``,
    and any change to a private channel ``manage_private_channel_members``. A user who
    cannot be added is skipped; only when nobody could be is the last reason the answer."""
    can_add_self = can_add_others = True
    if channel.type == CHANNEL_OPEN:
        can_add_self = has_team_permission(actor, channel.team_id or "", "join_public_channels")
        can_add_others = has_channel_permission(actor, channel.id, "manage_public_channel_members")
    else:
        require_channel_permission(actor, channel.id, "manage_private_channel_members")
    if channel.group_constrained:
        # Members come from the channel's groups, and no groups exist here.
        raise AppError(
            "api.channel.add_members.user_denied",
            "This channel only admits members of its groups.",
            400,
            f"user_ids={','.join(user_ids)}",
        )
    current = {
        m.user_id for m in channel_members_by_user_ids(channel_id=channel.id, user_ids=user_ids)
    }
    added: list[ChannelMember] = []
    last_error: AppError | None = None
    for user_id in user_ids:
        is_self = user_id == actor.id
        if is_self and user_id not in current and not can_add_self:
            last_error = permission_denied(actor.id, "join_public_channels")
            continue
        if not is_self and not can_add_others:
            last_error = permission_denied(actor.id, "manage_public_channel_members")
            continue
        try:
            added.append(channel_member_add_checked(channel=channel, user_id=user_id, actor=actor))
        except AppError as error:
            last_error = error
    if last_error is not None and not added:
        raise last_error
    return added


class ChannelMembersView(MattermostView):
    """``GET``: a page of the channel's members; ``POST``: add one user or several."""

    @extend_schema(operation_id="GetChannelMembers", responses={200: CHANNEL_MEMBER_LIST_SCHEMA})
    def get(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        return Response(
            members_json(channel_members_page(channel_id=channel_id, page=page_from(request)))
        )

    @extend_schema(
        operation_id="AddChannelMember",
        request={
            "application/json": {
                "type": "object",
                "properties": {
                    "user_id": {"type": "string"},
                    "user_ids": {"type": "array", "items": {"type": "string"}},
                    "post_root_id": {"type": "string"},
                },
            }
        },
        responses={201: CHANNEL_MEMBER_SCHEMA},
    )
    def post(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        actor = session_user(request)
        data = body_object(request, "user_id or user_ids")
        user_ids = _users_to_add(data)
        post_root_id = data.get("post_root_id")
        # Accepted and checked for shape; threads to follow come with posts.
        if isinstance(post_root_id, str) and post_root_id and not is_valid_id(post_root_id):
            raise invalid_body_param("post_root_id")
        channel = channel_or_404(channel_id)
        _check_channel_accepts_members(actor, channel)
        added = _add_members(actor, channel, user_ids)
        single = data.get("user_id")
        if single is not None and len(added) == 1 and added[0].user_id == single:
            return Response(channel_member_fields(added[0]), status=201)
        return Response(members_json(added), status=201)


class ChannelMembersByIdsView(MattermostView):
    @extend_schema(
        operation_id="GetChannelMembersByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: CHANNEL_MEMBER_LIST_SCHEMA},
    )
    def post(self, request: Request, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_ids = body_string_list(request, "user_ids")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        return Response(
            members_json(channel_members_by_user_ids(channel_id=channel_id, user_ids=user_ids))
        )


class ChannelMemberView(MattermostView):
    """``GET``: one membership; ``DELETE``: leave the channel, or remove someone."""

    @extend_schema(operation_id="GetChannelMember", responses={200: CHANNEL_MEMBER_SCHEMA})
    def get(self, request: Request, channel_id: str, user_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        require_channel_permission(session_user(request), channel_id, "read_channel")
        return Response(channel_member_fields(member_or_404(channel_id, user_id)))

    @extend_schema(operation_id="RemoveUserFromChannel", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, channel_id: str, user_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        channel = channel_or_404(channel_id)
        user = user_get_or_404(user_id)
        if channel.type not in (CHANNEL_OPEN, CHANNEL_PRIVATE):
            # Checked before permissions, as Mattermost does (the service checks it too).
            raise AppError(
                "api.channel.remove_channel_member.type.app_error",
                "Nobody can leave or be removed from a direct or group message channel.",
                400,
            )
        if channel.group_constrained and user_id != actor.id and not user.is_bot:
            raise AppError(
                "api.channel.remove_member.group_constrained.app_error",
                "Members of a group-constrained channel are managed through its groups.",
                400,
            )
        if user_id != actor.id:
            manage = (
                "manage_public_channel_members"
                if channel.type == CHANNEL_OPEN
                else "manage_private_channel_members"
            )
            require_channel_permission(actor, channel_id, manage)
        channel_member_remove(channel=channel, user=user, remover=actor)
        return Response(STATUS_OK)


# Roles and preferences


class ChannelMemberRolesView(MattermostView):
    @extend_schema(
        operation_id="UpdateChannelRoles",
        request={"application/json": {"type": "object", "properties": {"roles": {}}}},
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str, user_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        roles = body_roles(request, "roles")
        require_channel_permission(session_user(request), channel_id, "manage_channel_roles")
        channel_member_set_roles(member=member_or_404(channel_id, user_id), roles=roles)
        return Response(STATUS_OK)


class ChannelMemberSchemeRolesView(MattermostView):
    @extend_schema(
        operation_id="UpdateChannelMemberSchemeRoles",
        request={"application/json": SCHEME_FLAGS_SCHEMA},
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str, user_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        flags = body_scheme_flags(request)
        require_channel_permission(session_user(request), channel_id, "manage_channel_roles")
        channel_member_set_scheme_roles(member=member_or_404(channel_id, user_id), **flags)
        return Response(STATUS_OK)


class ChannelMemberNotifyPropsView(MattermostView):
    @extend_schema(
        operation_id="UpdateChannelNotifyProps",
        request={
            "application/json": {"type": "object", "additionalProperties": {"type": "string"}}
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, channel_id: str, user_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        props = body_object(request, "notify_props")
        if not all(isinstance(value, str) for value in props.values()):
            raise invalid_body_param("notify_props", "every value must be a string")
        require_self_or_permission(session_user(request), user_id, "edit_other_users")
        channel_member_update_notify_props(channel_id=channel_id, user_id=user_id, props=props)
        return Response(STATUS_OK)


# Viewing


def _view_channel_id(data: dict[str, Any], name: str) -> str:
    """An id of the view body; blank (or absent) means none, as a lost focus sends."""
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise invalid_body_param("channel_view")
    if value and not is_valid_id(value):
        raise invalid_body_param(f"channel_view.{name}")
    return value


class ChannelViewView(MattermostView):
    @extend_schema(
        operation_id="ViewChannel",
        request={
            "application/json": {
                "type": "object",
                "properties": {
                    "channel_id": {"type": "string"},
                    "prev_channel_id": {"type": "string"},
                    "collapsed_threads_supported": {"type": "boolean"},
                },
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        require_self_or_permission(session_user(request), user_id, "edit_other_users")
        data = body_object(request, "channel_view")
        if not isinstance(data.get("collapsed_threads_supported", False), bool):
            raise invalid_body_param("channel_view")
        # The channel opened, then the one left: Mattermost marks both read.
        channel_ids = [
            channel_id
            for channel_id in (
                _view_channel_id(data, "channel_id"),
                _view_channel_id(data, "prev_channel_id"),
            )
            if channel_id
        ]
        times = channel_member_view(user_id=user_id, channel_ids=channel_ids) if channel_ids else {}
        return Response({"status": "OK", "last_viewed_at_times": times})


urlpatterns: list[URLPattern] = [
    path("channels/members/<str:user_id>/view", ChannelViewView.as_view(), name="channel-view"),
    path("channels/<str:channel_id>/members", ChannelMembersView.as_view(), name="channel-members"),
    path(
        "channels/<str:channel_id>/members/ids",
        ChannelMembersByIdsView.as_view(),
        name="channel-members-by-ids",
    ),
    path(
        "channels/<str:channel_id>/members/<str:user_id>",
        ChannelMemberView.as_view(),
        name="channel-member",
    ),
    path(
        "channels/<str:channel_id>/members/<str:user_id>/roles",
        ChannelMemberRolesView.as_view(),
        name="channel-member-roles",
    ),
    path(
        "channels/<str:channel_id>/members/<str:user_id>/schemeRoles",
        ChannelMemberSchemeRolesView.as_view(),
        name="channel-member-scheme-roles",
    ),
    path(
        "channels/<str:channel_id>/members/<str:user_id>/notify_props",
        ChannelMemberNotifyPropsView.as_view(),
        name="channel-member-notify-props",
    ),
]
