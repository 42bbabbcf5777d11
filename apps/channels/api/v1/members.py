"""Channel membership on API v1: joining, leaving, adding and removing members, a member's
notification settings, marking a channel read, and the member summary (``extra_info``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_self_or_permission
from apps.accounts.selectors import user_get
from apps.accounts.services import PreferenceData, preferences_save
from apps.channels import services
from apps.channels.api.v1.access import joined_channel, member_channel, team_channel
from apps.channels.api.v1.channels import channel_url
from apps.channels.api.v1.wire import CHANNEL_ADMIN, MEMBER_NOTIFY_DEFAULTS, v1_member
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import channel_member_counts, channel_members_with_users
from apps.core.api.v1.base import V1View, not_permitted, param_id, v1_cached, v1_etag
from apps.core.body import string_map
from apps.core.errors import AppError
from apps.core.views import session_user
from apps.teams.permissions import require_team_permission

# How many members ``extra_info`` lists unless the URL says (a negative limit: all).
DEFAULT_EXTRA_MEMBERS = 100
# The preference 1.x kept of the channel a user viewed last.
LAST_CHANNEL = ("last", "channel")
# The most members one ``extra_info`` answer lists, whatever the URL asks.
MAX_EXTRA_MEMBERS = 10_000
MANAGE_MEMBERS = {
    CHANNEL_OPEN: "manage_public_channel_members",
    CHANNEL_PRIVATE: "manage_private_channel_members",
}


def refuse_archived(channel: Channel) -> None:
    if channel.delete_at:
        raise AppError(
            "api.channel.add_user_to_channel.deleted.app_error",
            "This channel is deleted.",
            400,
        )


def user_id_body(request: Request) -> str:
    return param_id(string_map(request).get("user_id", ""), "user_id")


class JoinView(V1View):
    """``POST /channels/{id}/join``: join an open channel of the session's team."""

    @extend_schema(operation_id="v1JoinChannel", request=None)
    def post(self, request: Request, channel_id: str) -> Response:
        channel = team_channel(request, channel_id)
        actor = session_user(request)
        if channel.type != CHANNEL_OPEN:
            raise not_permitted(f"userId={actor.id}")
        refuse_archived(channel)
        require_team_permission(actor, channel.team_id or "", "join_public_channels")
        services.channel_member_add_checked(channel=channel, user_id=actor.id, actor=actor)
        return Response({"id": channel.id})


class LeaveView(V1View):
    """``POST /channels/{id}/leave`` (not town-square, not a direct channel)."""

    @extend_schema(operation_id="v1LeaveChannel", request=None)
    def post(self, request: Request, channel_id: str) -> Response:
        channel = team_channel(request, channel_id)
        actor = session_user(request)
        services.channel_member_remove(channel=channel, user=actor, remover=actor)
        return Response({"id": channel.id})


class AddMemberView(V1View):
    """``POST /channels/{id}/add``: ``{user_id}``; any member may add someone of the team."""

    @extend_schema(operation_id="v1AddChannelMember", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, channel_id: str) -> Response:
        user_id = user_id_body(request)
        channel, _ = member_channel(request, channel_id)
        actor = session_user(request)
        if channel.type not in MANAGE_MEMBERS:
            raise AppError(
                "api.channel.add_user_to_channel.type.app_error",
                "Nobody can be added to a direct message channel.",
                500,
            )
        refuse_archived(channel)
        require_channel_permission(actor, channel.id, MANAGE_MEMBERS[channel.type])
        member = services.channel_member_add_checked(channel=channel, user_id=user_id, actor=actor)
        return Response(v1_member(member))


class RemoveMemberView(V1View):
    """``POST /channels/{id}/remove``: ``{user_id}``."""

    @extend_schema(operation_id="v1RemoveChannelMember", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, channel_id: str) -> Response:
        user_id = user_id_body(request)
        channel, _ = joined_channel(request, channel_id)
        actor = session_user(request)
        if user_id != actor.id and channel.type in MANAGE_MEMBERS:
            require_channel_permission(actor, channel.id, MANAGE_MEMBERS[channel.type])
        user = user_get(user_id)
        if user is None:
            raise AppError("app.user.missing_account.const", "No such user.", 500)
        services.channel_member_remove(channel=channel, user=user, remover=actor)
        return Response({"channel_id": channel.id, "removed_user_id": user_id})


class UpdateNotifyPropsView(V1View):
    """``POST /channels/update_notify_props``: ``{channel_id, user_id, desktop?,
    mark_unread?}``; answers the member's (two) settings."""

    @extend_schema(operation_id="v1UpdateChannelNotifyProps", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = param_id(body.get("user_id", ""), "user_id")
        channel_id = param_id(body.get("channel_id", ""), "channel_id")
        require_self_or_permission(session_user(request), user_id, "edit_other_users")
        member_channel(request, channel_id)
        props = {key: body[key] for key in MEMBER_NOTIFY_DEFAULTS if key in body}
        member = services.channel_member_update_notify_props(
            channel_id=channel_id, user_id=user_id, props=props
        )
        return Response(v1_member(member)["notify_props"])


class UpdateLastViewedAtView(V1View):
    """``POST /channels/{id}/update_last_viewed_at``: the caller has read the channel (and,
    as in 1.x, it becomes their last viewed channel)."""

    @extend_schema(operation_id="v1UpdateLastViewedAt", request=None)
    def post(self, request: Request, channel_id: str) -> Response:
        channel, _ = member_channel(request, channel_id)
        user_id = session_user(request).id
        services.channel_member_view(user_id=user_id, channel_ids=[channel.id])
        preferences_save(
            user_id=user_id,
            preferences=[PreferenceData(user_id, *LAST_CHANNEL, value=channel.id)],
        )
        return Response({"id": channel.id})


class ExtraInfoView(V1View):
    """``GET /channels/{id}/extra_info[/{member_limit}]``: the channel's member count and
    its first members (``ChannelExtra``)."""

    @extend_schema(operation_id="v1GetChannelExtraInfo", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str, member_limit: str = "") -> Response:
        channel, _ = joined_channel(request, channel_id)
        if channel.delete_at:
            raise AppError(
                "api.channel.get_channel_extra_info.deleted.app_error",
                "This channel is deleted.",
                400,
            )
        limit = int(member_limit) if member_limit else DEFAULT_EXTRA_MEMBERS
        # A negative limit asks for everyone.
        limit = MAX_EXTRA_MEMBERS if limit < 0 else min(limit, MAX_EXTRA_MEMBERS)
        members = channel_members_with_users(channel_id=channel.id, limit=limit)
        count, _ = channel_member_counts(channel.id)
        etag = v1_etag(
            channel.id,
            count,
            max((m.last_update_at for m in members), default=0),
            max((m.user.update_at for m in members), default=0),
            limit,
        )
        show_email = settings.MATTERMOST.show_email_address or session_user(request).is_system_admin
        return v1_cached(
            request,
            etag,
            lambda: {
                "id": channel.id,
                "members": [
                    {
                        "id": m.user_id,
                        "nickname": m.user.nickname,
                        "email": m.user.email if show_email else "",
                        "roles": CHANNEL_ADMIN if m.scheme_admin else "",
                        "username": m.user.username,
                    }
                    for m in members
                ],
                "member_count": count,
            },
            expires=True,
        )


class ExtraInfoLimitView(ExtraInfoView):
    @extend_schema(operation_id="v1GetChannelExtraInfoLimit", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, channel_id: str, member_limit: str = "") -> Response:
        return super().get(request, channel_id, member_limit)


urlpatterns: list[URLPattern] = [
    re_path(
        r"^channels/update_notify_props$",
        UpdateNotifyPropsView.as_view(),
        name="channel-update-notify-props",
    ),
    re_path(channel_url("join"), JoinView.as_view(), name="channel-join"),
    re_path(channel_url("leave"), LeaveView.as_view(), name="channel-leave"),
    re_path(channel_url("add"), AddMemberView.as_view(), name="channel-add"),
    re_path(channel_url("remove"), RemoveMemberView.as_view(), name="channel-remove"),
    re_path(
        channel_url("update_last_viewed_at"),
        UpdateLastViewedAtView.as_view(),
        name="channel-update-last-viewed-at",
    ),
    re_path(channel_url("extra_info"), ExtraInfoView.as_view(), name="channel-extra-info"),
    re_path(
        channel_url("extra_info/(?P<member_limit>-?[0-9]+)"),
        ExtraInfoLimitView.as_view(),
        name="channel-extra-info-limit",
    ),
]
