"""A user's side of team membership: their teams, their memberships and what they have not
read in each team. Mounted through ``members.urlpatterns``."""

from __future__ import annotations

from dataclasses import replace

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import (
    has_system_permission,
    require_self_or_permission,
    require_system_permission,
)
from apps.core.errors import permission_denied
from apps.core.views import MattermostView, session_user, url_id, url_user_id
from apps.posts.thread_selectors import thread_unreads_by_team
from apps.teams.api.v4.member_serializers import (
    TEAM_MEMBER_LIST_SCHEMA,
    TEAM_MEMBER_SCHEMA,
    TEAM_UNREAD_SCHEMA,
    team_member_json,
    team_unread_json,
)
from apps.teams.api.v4.members import team_member_response
from apps.teams.api.v4.serializers import teams_for_viewer
from apps.teams.permissions import require_team_permission
from apps.teams.selectors import (
    TeamUnread,
    team_memberships_of_user,
    team_unread_for_user,
    team_unreads_for_user,
    teams_of_user,
)

TEAM_LIST_SCHEMA = {"type": "array", "items": {"type": "object"}}


class UserTeamsView(MattermostView):
    @extend_schema(operation_id="GetTeamsForUser", responses={200: TEAM_LIST_SCHEMA})
    def get(self, request: Request, user_id: str) -> Response:
        viewer = session_user(request)
        user_id = url_user_id(request, user_id)
        if user_id != viewer.id:
            require_system_permission(viewer, "sysconsole_read_user_management_users")
        return Response(teams_for_viewer(teams_of_user(user_id), viewer))


class UserTeamMembersView(MattermostView):
    @extend_schema(operation_id="GetTeamMembersForUser", responses={200: TEAM_MEMBER_LIST_SCHEMA})
    def get(self, request: Request, user_id: str) -> Response:
        viewer = session_user(request)
        user_id = url_user_id(request, user_id)
        if not (
            user_id == viewer.id
            or has_system_permission(viewer, "edit_other_users")
            or has_system_permission(viewer, "read_other_users_teams")
        ):
            raise permission_denied(viewer.id, "read_other_users_teams")
        # Teams the user left are listed too, with delete_at set, as Mattermost does.
        return Response([team_member_json(m) for m in team_memberships_of_user(user_id)])


class UserTeamMemberView(MattermostView):
    """The same membership as ``GET /teams/{team_id}/members/{user_id}``, reached from the
    user's side."""

    @extend_schema(operation_id="GetTeamMemberOfUser", responses={200: TEAM_MEMBER_SCHEMA})
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        return team_member_response(request, team_id, user_id)


class UserTeamsUnreadView(MattermostView):
    @extend_schema(
        operation_id="GetTeamsUnreadForUser",
        responses={200: {"type": "array", "items": TEAM_UNREAD_SCHEMA}},
    )
    def get(self, request: Request, user_id: str) -> Response:
        viewer = session_user(request)
        user_id = url_user_id(request, user_id)
        if user_id != viewer.id:
            require_system_permission(viewer, "manage_system")
        unreads = team_unreads_for_user(
            user_id=user_id, exclude_team_id=request.query_params.get("exclude_team", "")
        )
        if request.query_params.get("include_collapsed_threads") == "true":
            unreads = with_thread_counts(user_id, unreads)
        return Response([team_unread_json(unread) for unread in unreads])


def with_thread_counts(user_id: str, unreads: list[TeamUnread]) -> list[TeamUnread]:
    """The unread counts with the followed threads' counts of each team filled in."""
    threads = thread_unreads_by_team(user_id=user_id, team_ids=[u.team_id for u in unreads])
    return [
        replace(
            unread,
            thread_count=threads[unread.team_id].thread_count,
            thread_mention_count=threads[unread.team_id].thread_mention_count,
        )
        if unread.team_id in threads
        else unread
        for unread in unreads
    ]


class UserTeamUnreadView(MattermostView):
    @extend_schema(operation_id="GetTeamUnread", responses={200: TEAM_UNREAD_SCHEMA})
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        user_id = url_user_id(request, user_id)
        viewer = session_user(request)
        require_self_or_permission(viewer, user_id, "edit_other_users")
        require_team_permission(viewer, team_id, "view_team")
        return Response(team_unread_json(team_unread_for_user(user_id=user_id, team_id=team_id)))


urlpatterns: list[URLPattern] = [
    path("users/<str:user_id>/teams", UserTeamsView.as_view(), name="user-teams"),
    path(
        "users/<str:user_id>/teams/members",
        UserTeamMembersView.as_view(),
        name="user-team-members",
    ),
    path(
        "users/<str:user_id>/teams/unread",
        UserTeamsUnreadView.as_view(),
        name="user-teams-unread",
    ),
    path(
        "users/<str:user_id>/teams/<str:team_id>/members",
        UserTeamMemberView.as_view(),
        name="user-team-member",
    ),
    path(
        "users/<str:user_id>/teams/<str:team_id>/unread",
        UserTeamUnreadView.as_view(),
        name="user-team-unread",
    ),
]
