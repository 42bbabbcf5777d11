"""Channels on API v1: the session team's lists, creating (open, private, direct), reading,
editing and archiving. Permissions are API v4's; the session's team scopes everything.

Of 1.x's edits only a header change was announced in the channel; the purpose and full
updates were silent, and so they are here (v4 announces them all)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_system_permission
from apps.accounts.selectors import user_get
from apps.channels import services
from apps.channels.api.v1.access import joined_channel
from apps.channels.api.v1.wire import V1_TYPES, v1_channel, v1_channel_list, v1_member
from apps.channels.api.v4.access import require_editable
from apps.channels.api.v4.channels import (
    CREATE_PERMISSIONS,
    DELETE_PERMISSIONS,
    require_users_visible,
)
from apps.channels.models import Channel, ChannelMember
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import (
    channel_memberships_of_user_in_team,
    channels_of_user_in_team,
    channels_public_not_joined,
)
from apps.core.api.v1.base import (
    ID,
    V1View,
    invalid_param,
    not_permitted,
    param_id,
    v1_cached,
    v1_etag,
)
from apps.core.body import body_object, optional_str, string_map
from apps.core.errors import AppError
from apps.core.views import session_user
from apps.teams.api.v1.scope import session_team
from apps.teams.permissions import require_team_permission
from apps.teams.selectors import team_get

# 1.x's limit on a header or purpose sent to their own routes.
TEXT_LIMIT = 1024


def channel_list_etag(channels: list[Channel], members: Iterable[ChannelMember]) -> str:
    """Changes when a channel is added, dropped, edited or posted in, or the caller's
    membership of one changes."""
    return v1_etag(
        len(channels),
        max((max(c.update_at, c.last_post_at) for c in channels), default=0),
        max((m.last_update_at for m in members), default=0),
    )


def my_channels(request: Request) -> list[Channel]:
    """The caller's channels in the session's team, with their direct channels."""
    channels = channels_of_user_in_team(
        user_id=session_user(request).id, team_id=session_team(request).id
    )
    return [channel for channel in channels if channel.type in V1_TYPES]


def my_memberships(request: Request, channels: list[Channel]) -> list[ChannelMember]:
    """The caller's memberships of these channels (of the session's team)."""
    shown = {channel.id for channel in channels}
    members = channel_memberships_of_user_in_team(
        user_id=session_user(request).id, team_id=session_team(request).id
    )
    return [member for member in members if member.channel_id in shown]


class ChannelsView(V1View):
    """``GET /channels/``: the caller's channels in the session's team, and their
    memberships (1.x's ``ChannelList``)."""

    @extend_schema(operation_id="v1GetChannels", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        channels = my_channels(request)
        members = my_memberships(request, channels)
        team_id = session_team(request).id
        return v1_cached(
            request,
            channel_list_etag(channels, members),
            lambda: v1_channel_list(channels, members, team_id=team_id),
        )


class MoreChannelsView(V1View):
    """``GET /channels/more``: the team's open channels the caller is not in."""

    @extend_schema(operation_id="v1GetMoreChannels", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        team_id = session_team(request).id
        channels = list(
            channels_public_not_joined(team_id=team_id, user_id=session_user(request).id)
        )
        return v1_cached(
            request,
            channel_list_etag(channels, []),
            lambda: v1_channel_list(channels, [], team_id=team_id),
        )


class ChannelCountsView(V1View):
    """``GET /channels/counts``: per channel of the caller, its message total and the time
    it last changed."""

    @extend_schema(operation_id="v1GetChannelCounts", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        channels = my_channels(request)
        body = {
            "counts": {channel.id: channel.total_msg_count for channel in channels},
            "update_times": {channel.id: channel.update_at for channel in channels},
        }
        etag = v1_etag(
            len(channels),
            sum(channel.total_msg_count for channel in channels),
            max((channel.update_at for channel in channels), default=0),
        )
        return v1_cached(request, etag, lambda: body)


class CreateChannelView(V1View):
    """``POST /channels/create``: an open (O) or private (P) channel of the session's team
    (``team_id`` must name it; system admins may name another or none)."""

    @extend_schema(operation_id="v1CreateChannel", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "channel")
        fields = {
            name: optional_str(data, name) or ""
            for name in ("name", "display_name", "type", "header", "purpose")
        }
        team_id = optional_str(data, "team_id") or ""
        actor = session_user(request)
        team = session_team(request)
        if team_id != team.id and not actor.is_system_admin:
            raise not_permitted(f"userId={actor.id}, teamId={team_id}")
        if team_id and team_id != team.id:
            other = team_get(param_id(team_id, "team_id"))
            if other is None:
                raise AppError("app.team.get.find.app_error", "No such team.", 500)
            team = other
        if fields["type"] in CREATE_PERMISSIONS:
            require_team_permission(actor, team.id, CREATE_PERMISSIONS[fields["type"]])
        channel = services.channel_create(team=team, creator=actor, **fields)
        return Response(v1_channel(channel, team_id=team.id))


class CreateDirectChannelView(V1View):
    """``POST /channels/create_direct``: ``{user_id}``; the direct channel with that user
    (made on first use)."""

    @extend_schema(operation_id="v1CreateDirectChannel", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        other_id = param_id(string_map(request).get("user_id", ""), "user_id")
        actor = session_user(request)
        require_system_permission(actor, "create_direct_channel")
        require_users_visible(actor, [actor.id, other_id])
        other = actor if other_id == actor.id else user_get(other_id)
        if other is None:
            raise AppError(
                "api.channel.create_direct_channel.invalid_user.app_error",
                "The other user's id is not valid.",
                500,
                other_id,
            )
        conversation = services.direct_channel_get_or_create(user=actor, other_user=other)
        return Response(v1_channel(conversation.channel, team_id=session_team(request).id))


class ChannelView(V1View):
    """``GET /channels/{id}/``: the channel and the caller's membership (``ChannelData``)."""

    @extend_schema(operation_id="v1GetChannel", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str) -> Response:
        channel, member = joined_channel(request, channel_id)
        team_id = session_team(request).id
        etag = v1_etag(channel.id, channel.update_at, channel.last_post_at, member.last_update_at)
        return v1_cached(
            request,
            etag,
            lambda: {"channel": v1_channel(channel, team_id=team_id), "member": v1_member(member)},
            expires=True,
        )


def editable_channel(request: Request, channel_id: str) -> Channel:
    """A channel of the session's team the caller is in and may edit."""
    channel, _ = joined_channel(request, channel_id)
    require_editable(session_user(request), channel)
    return channel


def v1_channel_response(request: Request, channel: Channel) -> Response:
    return Response(v1_channel(channel, team_id=session_team(request).id))


class UpdateChannelView(V1View):
    """``POST /channels/update``: the channel (by ``id``). As in 1.x the header and
    purpose take the values sent (absent: empty); the names change only when given."""

    @extend_schema(operation_id="v1UpdateChannel", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "channel")
        channel = editable_channel(request, optional_str(data, "id") or "")
        channel = services.channel_update(
            channel=channel,
            display_name=optional_str(data, "display_name") or "",
            name=optional_str(data, "name") or "",
            header=optional_str(data, "header") or "",
            purpose=optional_str(data, "purpose") or "",
            type=optional_str(data, "type") or "",
        )
        return v1_channel_response(request, channel)


def text_body(request: Request, field: str) -> tuple[str, str]:
    """(channel id, text) of an ``update_header`` / ``update_purpose`` body."""
    body = string_map(request)
    channel_id = param_id(body.get("channel_id", ""), "channel_id")
    text = body.get(field, "")
    if len(text) > TEXT_LIMIT:
        raise invalid_param(field)
    return channel_id, text


class UpdateHeaderView(V1View):
    """``POST /channels/update_header``: ``{channel_id, channel_header}``; the channel says
    who changed it."""

    @extend_schema(operation_id="v1UpdateChannelHeader", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        channel_id, header = text_body(request, "channel_header")
        channel = editable_channel(request, channel_id)
        channel = services.channel_patch(
            channel=channel, changes={"header": header}, actor=session_user(request)
        )
        return v1_channel_response(request, channel)


class UpdatePurposeView(V1View):
    """``POST /channels/update_purpose``: ``{channel_id, channel_purpose}``."""

    @extend_schema(operation_id="v1UpdateChannelPurpose", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        channel_id, purpose = text_body(request, "channel_purpose")
        channel = editable_channel(request, channel_id)
        channel = services.channel_patch(channel=channel, changes={"purpose": purpose})
        return v1_channel_response(request, channel)


class DeleteChannelView(V1View):
    """``POST /channels/{id}/delete``: archives the channel; ``{id}``."""

    @extend_schema(operation_id="v1DeleteChannel", request=None)
    def post(self, request: Request, channel_id: str) -> Response:
        channel, _ = joined_channel(request, channel_id)
        services.channel_check_deletable(channel)
        actor = session_user(request)
        require_channel_permission(actor, channel.id, DELETE_PERMISSIONS[channel.type])
        services.channel_archive(channel=channel, actor=actor)
        return Response({"id": channel.id})


def channel_url(suffix: str) -> str:
    return rf"^channels/(?P<channel_id>{ID})/{suffix}$"


urlpatterns: list[URLPattern] = [
    re_path(r"^channels/$", ChannelsView.as_view(), name="channels"),
    re_path(r"^channels/more$", MoreChannelsView.as_view(), name="channels-more"),
    re_path(r"^channels/counts$", ChannelCountsView.as_view(), name="channels-counts"),
    re_path(r"^channels/create$", CreateChannelView.as_view(), name="channel-create"),
    re_path(
        r"^channels/create_direct$", CreateDirectChannelView.as_view(), name="channel-create-direct"
    ),
    re_path(r"^channels/update$", UpdateChannelView.as_view(), name="channel-update"),
    re_path(r"^channels/update_header$", UpdateHeaderView.as_view(), name="channel-update-header"),
    re_path(
        r"^channels/update_purpose$", UpdatePurposeView.as_view(), name="channel-update-purpose"
    ),
    re_path(channel_url(""), ChannelView.as_view(), name="channel"),
    re_path(channel_url("delete"), DeleteChannelView.as_view(), name="channel-delete"),
]
