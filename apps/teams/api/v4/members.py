"""Team membership: joining (directly, by invite link, in batches), listing, leaving and
being removed, and member roles. A user's own view of their teams is in ``user_teams``."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import require_system_permission
from apps.accounts.selectors import user_get
from apps.core.body import SCHEME_FLAGS_SCHEMA, body_roles, body_scheme_flags, body_string_list
from apps.core.errors import AppError, invalid_body_param
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.views import GO_TRUE, STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.teams.api.v4.member_serializers import (
    TEAM_MEMBER_LIST_SCHEMA,
    TEAM_MEMBER_SCHEMA,
    member_added_json,
    team_member_json,
)
from apps.teams.models import Team, TeamMember
from apps.teams.permissions import require_team_permission
from apps.teams.selectors import (
    team_get,
    team_members_by_user_ids,
    team_members_page,
    team_membership_get,
)
from apps.teams.services import (
    team_member_add_checked,
    team_member_join_by_invite,
    team_member_leave,
    team_member_set_roles,
    team_member_set_scheme_roles,
    team_members_add,
)

MAX_BATCH = 256  # Mattermost's MaxAddMembersBatch


def missing_team() -> AppError:
    return AppError("app.team.get.find.app_error", "There is no team with that id.", 404)


def missing_member() -> AppError:
    return AppError(
        "app.team.get_member.missing.app_error", "That user is not a member of the team.", 404
    )


def missing_user() -> AppError:
    return AppError("app.user.missing_account.const", "There is no user with that id.", 404)


def unknown_invite_token() -> AppError:
    # This server sends no email invitations, so no invitation token can be valid.
    return AppError(
        "api.user.create_user.signup_link_invalid.app_error",
        "This invitation link is not valid.",
        400,
    )


def team_or_404(team_id: str) -> Team:
    team = team_get(team_id)
    if team is None:
        raise missing_team()
    return team


def membership_or_404(team_id: str, user_id: str) -> TeamMember:
    member = team_membership_get(team_id=team_id, user_id=user_id)
    if member is None:
        raise missing_member()
    return member


def user_or_404(actor: User, user_id: str) -> User:
    user = actor if user_id == actor.id else user_get(user_id)
    if user is None:
        raise missing_user()
    return user


def created(member: TeamMember) -> Response:
    return Response(team_member_json(member), status=201)


def parse_body(request: Request, name: str) -> Any:
    """The JSON body, parsed now so that malformed JSON is a 400 naming ``name``."""
    try:
        return request.data
    except ParseError as error:
        raise invalid_body_param(name, str(error.detail)) from None


class TeamMembersView(MattermostView):
    """``GET``: a page of the team's members; ``POST``: join the team, or add someone."""

    @extend_schema(operation_id="GetTeamMembers", responses={200: TEAM_MEMBER_LIST_SCHEMA})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        require_team_permission(session_user(request), team_id, "view_team")
        query = request.query_params
        members = team_members_page(
            team_id=team_id,
            page=page_from(request),
            sort=query.get("sort", ""),
            exclude_deleted_users=query.get("exclude_deleted_users", "") in GO_TRUE,
        )
        return Response([team_member_json(member) for member in members])

    @extend_schema(
        operation_id="AddTeamMember",
        request={"application/json": TEAM_MEMBER_SCHEMA},
        responses={201: TEAM_MEMBER_SCHEMA},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        data = self._body(request)
        token = request.query_params.get("token", "")
        invite_id = request.query_params.get("invite_id", "")
        if (token or invite_id) and data.get("user_id") in (None, "", actor.id):
            # An invitation makes the caller a member whatever the join permissions say.
            if token:
                raise unknown_invite_token()
            member = team_member_join_by_invite(user=actor, invite_id=invite_id, team_id=team_id)
            return created(member)
        if data.get("team_id") != team_id:
            raise invalid_body_param("team_id")
        user_id = data.get("user_id", "")
        if not is_valid_id(user_id):
            raise invalid_body_param("user_id")
        if user_id == actor.id:
            team = team_or_404(team_id)
            join = "join_public_teams" if team.allow_open_invite else "join_private_teams"
            require_system_permission(actor, join)
        else:
            require_team_permission(actor, team_id, "add_user_to_team")
            team = team_or_404(team_id)
        return created(
            team_member_add_checked(team=team, user=user_or_404(actor, user_id), actor=actor)
        )

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        """``{team_id, user_id}``; an absent body is an empty one (an invite link needs
        none), any other shape is Mattermost's 400 for this route."""
        invalid = AppError(
            "api.team.add_team_member.invalid_body.app_error",
            'The body must be a team member: {"team_id": ..., "user_id": ...}.',
            400,
        )
        try:
            data = request.data
        except ParseError:
            raise invalid from None
        if not isinstance(data, dict) or not all(
            isinstance(data.get(name, ""), str) for name in ("team_id", "user_id")
        ):
            raise invalid
        return data


class TeamMemberFromInviteView(MattermostView):
    @extend_schema(
        operation_id="AddTeamMemberFromInvite",
        request=None,
        responses={201: TEAM_MEMBER_SCHEMA},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        if request.query_params.get("token"):
            raise unknown_invite_token()
        invite_id = request.query_params.get("invite_id", "")
        if not invite_id:
            raise AppError(
                "api.team.add_user_to_team.missing_parameter.app_error",
                "Give an invite_id (or an invitation token) to join a team.",
                400,
            )
        return created(team_member_join_by_invite(user=actor, invite_id=invite_id))


class TeamMembersBatchView(MattermostView):
    @extend_schema(
        operation_id="AddTeamMembers",
        request={"application/json": TEAM_MEMBER_LIST_SCHEMA},
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        actor = session_user(request)
        # Mattermost switches graceful mode on with any non-empty value.
        graceful = bool(request.query_params.get("graceful"))
        items = parse_body(request, "members")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise invalid_body_param("members", "expected a JSON array of team members")
        if len(items) > MAX_BATCH:
            raise invalid_body_param("members", f"at most {MAX_BATCH} members per batch")
        if not items:
            raise invalid_body_param("members", "no members in the batch")
        team = team_or_404(team_id)
        user_ids = []
        for item in items:
            if item.get("team_id") != team_id:
                raise invalid_body_param("team_id")
            if not is_valid_id(item.get("user_id")):
                raise invalid_body_param("user_id")
            user_ids.append(item["user_id"])
        require_team_permission(actor, team_id, "add_user_to_team")
        results = team_members_add(team=team, user_ids=user_ids, graceful=graceful, actor=actor)
        if graceful:
            return Response([member_added_json(result) for result in results], status=201)
        return Response(
            [team_member_json(result.member) for result in results if result.member is not None],
            status=201,
        )


class TeamMembersByIdsView(MattermostView):
    @extend_schema(
        operation_id="GetTeamMembersByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: TEAM_MEMBER_LIST_SCHEMA},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        parse_body(request, "user_ids")
        user_ids = body_string_list(request, "user_ids")
        require_team_permission(session_user(request), team_id, "view_team")
        members = team_members_by_user_ids(team_id=team_id, user_ids=user_ids)
        return Response([team_member_json(member) for member in members])


def team_member_response(request: Request, team_id: str, user_id: str) -> Response:
    """One user's membership of one team, for anyone who may view the team."""
    team_id = url_id(team_id, "team_id")
    user_id = url_user_id(request, user_id)
    require_team_permission(session_user(request), team_id, "view_team")
    return Response(team_member_json(membership_or_404(team_id, user_id)))


class TeamMemberView(MattermostView):
    @extend_schema(operation_id="GetTeamMember", responses={200: TEAM_MEMBER_SCHEMA})
    def get(self, request: Request, team_id: str, user_id: str) -> Response:
        return team_member_response(request, team_id, user_id)

    @extend_schema(operation_id="RemoveTeamMember", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, team_id: str, user_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        if user_id != actor.id:
            require_team_permission(actor, team_id, "remove_user_from_team")
        team = team_or_404(team_id)
        team_member_leave(team=team, user=user_or_404(actor, user_id), remover=actor)
        return Response(STATUS_OK)


class TeamMemberRolesView(MattermostView):
    @extend_schema(
        operation_id="UpdateTeamMemberRoles",
        request={"application/json": {"type": "object", "properties": {"roles": {}}}},
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, team_id: str, user_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        user_id = url_user_id(request, user_id)
        parse_body(request, "team_member_roles")
        roles = body_roles(request, "team_member_roles")
        require_team_permission(session_user(request), team_id, "manage_team_roles")
        team_member_set_roles(member=membership_or_404(team_id, user_id), roles=roles)
        return Response(STATUS_OK)


class TeamMemberSchemeRolesView(MattermostView):
    @extend_schema(
        operation_id="UpdateTeamMemberSchemeRoles",
        request={"application/json": SCHEME_FLAGS_SCHEMA},
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, team_id: str, user_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        user_id = url_user_id(request, user_id)
        parse_body(request, "scheme_roles")
        flags = body_scheme_flags(request)
        require_team_permission(session_user(request), team_id, "manage_team_roles")
        team_member_set_scheme_roles(member=membership_or_404(team_id, user_id), **flags)
        return Response(STATUS_OK)


urlpatterns: list[URLPattern] = [
    path(
        "teams/members/invite",
        TeamMemberFromInviteView.as_view(),
        name="team-member-from-invite",
    ),
    path("teams/<str:team_id>/members", TeamMembersView.as_view(), name="team-members"),
    path(
        "teams/<str:team_id>/members/batch",
        TeamMembersBatchView.as_view(),
        name="team-members-batch",
    ),
    path(
        "teams/<str:team_id>/members/ids",
        TeamMembersByIdsView.as_view(),
        name="team-members-by-ids",
    ),
    path(
        "teams/<str:team_id>/members/<str:user_id>",
        TeamMemberView.as_view(),
        name="team-member",
    ),
    path(
        "teams/<str:team_id>/members/<str:user_id>/roles",
        TeamMemberRolesView.as_view(),
        name="team-member-roles",
    ),
    path(
        "teams/<str:team_id>/members/<str:user_id>/schemeRoles",
        TeamMemberSchemeRolesView.as_view(),
        name="team-member-scheme-roles",
    ),
]
