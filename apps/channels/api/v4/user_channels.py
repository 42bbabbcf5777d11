"""A user's side of channel membership over API v4: their channels (in one team or all),
their memberships in a team, and what they have not read in a channel."""

from __future__ import annotations

import re
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_self_or_permission
from apps.channels.api.v4.members import CHANNEL_MEMBER_LIST_SCHEMA, members_json
from apps.channels.models import Channel
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import (
    ChannelUnread,
    channel_memberships_of_user_in_team,
    channel_unread_get,
    channels_of_user,
    channels_of_user_in_team,
)
from apps.channels.wire import channel_fields
from apps.core.errors import AppError, invalid_url_param, permission_denied
from apps.core.etag import etag_response, make_etag
from apps.core.views import GO_TRUE, MattermostView, session_user, url_id, url_user_id
from apps.teams.permissions import has_team_permission, require_team_permission

CHANNEL_LIST_SCHEMA = {"type": "array", "items": {"type": "object"}}
CHANNEL_UNREAD_SCHEMA = {
    "type": "object",
    "properties": {
        "team_id": {"type": "string"},
        "channel_id": {"type": "string"},
        **{
            name: {"type": "integer"}
            for name in (
                "msg_count",
                "mention_count",
                "mention_count_root",
                "urgent_mention_count",
                "msg_count_root",
            )
        },
    },
}
_GO_INT = re.compile(r"[+-]?[0-9]{1,18}")


def channel_list_etag(channels: list[Channel]) -> str:
    """Mattermost's ``ChannelList.Etag``: the most recently posted-in or updated channel,
    that time, and how many channels there are."""
    newest_id, newest = "0", 0
    for channel in channels:
        for moment in (channel.last_post_at, channel.update_at):
            if moment > newest:
                newest_id, newest = channel.id, moment
    return make_etag(newest_id, newest, 0, len(channels))


def _archived_filter(request: Request) -> dict[str, Any]:
    """``include_deleted`` and ``last_delete_at`` read as Mattermost reads them: a value that
    is not an integer counts as 0, a negative one is refused."""
    raw = request.query_params.get("last_delete_at", "")
    last_delete_at = int(raw) if _GO_INT.fullmatch(raw) else 0
    if last_delete_at < 0:
        raise invalid_url_param("last_delete_at")
    return {
        "include_deleted": request.query_params.get("include_deleted", "") in GO_TRUE,
        "last_delete_at": last_delete_at,
    }


class UserTeamChannelsView(MattermostView):
    @extend_schema(operation_id="GetChannelsForTeamForUser", responses={200: CHANNEL_LIST_SCHEMA})
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        require_team_permission(actor, team_id, "view_team")
        channels = channels_of_user_in_team(
            user_id=user_id, team_id=team_id, **_archived_filter(request)
        )
        if not channels:
            # Mattermost's store reports an empty list as not found.
            raise AppError(
                "app.channel.get_channels.not_found.app_error",
                "The user has no channels in this team.",
                404,
            )
        return etag_response(
            request, channel_list_etag(channels), lambda: [channel_fields(c) for c in channels]
        )


class UserChannelsView(MattermostView):
    @extend_schema(operation_id="GetChannelsForUser", responses={200: CHANNEL_LIST_SCHEMA})
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        require_self_or_permission(session_user(request), user_id, "edit_other_users")
        channels = channels_of_user(user_id=user_id, **_archived_filter(request))
        return Response([channel_fields(channel) for channel in channels])


class UserTeamChannelMembersView(MattermostView):
    @extend_schema(
        operation_id="GetChannelMembersForUser", responses={200: CHANNEL_MEMBER_LIST_SCHEMA}
    )
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        require_team_permission(actor, team_id, "view_team")
        if user_id != actor.id and not has_team_permission(actor, team_id, "manage_system"):
            raise permission_denied(actor.id, "manage_system")
        return Response(
            members_json(channel_memberships_of_user_in_team(user_id=user_id, team_id=team_id))
        )


def channel_unread_json(unread: ChannelUnread) -> dict[str, Any]:
    # Mattermost keeps the member's notify props on this object but never serialises them.
    return {
        "team_id": unread.team_id,
        "channel_id": unread.channel_id,
        "msg_count": unread.msg_count,
        "mention_count": unread.mention_count,
        "mention_count_root": unread.mention_count_root,
        "urgent_mention_count": unread.urgent_mention_count,
        "msg_count_root": unread.msg_count_root,
    }


class UserChannelUnreadView(MattermostView):
    @extend_schema(operation_id="GetChannelUnread", responses={200: CHANNEL_UNREAD_SCHEMA})
    def get(self, request: Request, user_id: str, channel_id: str) -> Response:
        channel_id = url_id(channel_id, "channel_id")
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        require_channel_permission(actor, channel_id, "read_channel")
        unread = channel_unread_get(channel_id=channel_id, user_id=user_id)
        if unread is None:
            raise AppError(
                "app.channel.get_unread.app_error", "That user is not a member of the channel.", 404
            )
        return Response(channel_unread_json(unread))


urlpatterns: list[URLPattern] = [
    path(
        "users/<str:user_id>/teams/<str:team_id>/channels",
        UserTeamChannelsView.as_view(),
        name="user-team-channels",
    ),
    path(
        "users/<str:user_id>/teams/<str:team_id>/channels/members",
        UserTeamChannelMembersView.as_view(),
        name="user-team-channel-members",
    ),
    path("users/<str:user_id>/channels", UserChannelsView.as_view(), name="user-channels"),
    path(
        "users/<str:user_id>/channels/<str:channel_id>/unread",
        UserChannelUnreadView.as_view(),
        name="user-channel-unread",
    ),
]
