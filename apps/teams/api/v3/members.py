"""API v3: team membership — listing members, adding and removing them, joining through an
invite link, and member roles. Adding and removing answer with the request's own map."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url, string_map
from apps.core.api.v3.params import MAX_WINDOW, go_map, string_list, window
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.membership import role_names_well_formed
from apps.core.pagination import OffsetPage, Page
from apps.core.views import session_user, url_id
from apps.teams import selectors, services
from apps.teams.api.v3.teams import team_or_404
from apps.teams.api.v3.wire import team_for_viewer, team_member_json
from apps.teams.permissions import require_team_permission

LIST = {200: {"type": "array", "items": {"type": "object"}}}
OBJECT = {200: OpenApiTypes.OBJECT}


def body_user_id(body: dict[str, str]) -> str:
    user_id = body.get("user_id", "")
    if not is_valid_id(user_id):
        raise invalid_param("user_id")
    return user_id


def user_or_404(actor: User, user_id: str) -> User:
    user = actor if user_id == actor.id else user_get(user_id)
    if user is None:
        raise AppError("store.sql_user.missing_account.const", "There is no such user.", 404)
    return user


def members_response(team_id: str, rows: Page) -> Response:
    members = selectors.team_members_page(team_id=team_id, page=rows)
    return Response([team_member_json(member) for member in members])


class TeamMembersWindowView(V3View):
    """``teams/{team_id}/members/{offset}/{limit}``: the team's current members."""

    @extend_schema(operation_id="v3GetTeamMembers", responses=LIST)
    def get(self, request: Request, team_id: str, offset: int, limit: int) -> Response:
        team_id = require_team_in_url(request, team_id)
        return members_response(team_id, window(offset, limit))


class TeamMembersClassicView(V3View):
    """``teams/members/{team_id}`` (Mattermost 3.0 to 3.4): the team's current members in one
    list (at most ``MAX_WINDOW`` of them)."""

    @extend_schema(operation_id="v3GetTeamMembersClassic", responses=LIST)
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        return members_response(team_id, OffsetPage(per_page=MAX_WINDOW))


class TeamMembersByIdsView(V3View):
    @extend_schema(
        operation_id="v3GetTeamMembersByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses=LIST,
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        user_ids = string_list(request, "user_ids")
        members = selectors.team_members_by_user_ids(team_id=team_id, user_ids=user_ids)
        return Response([team_member_json(member) for member in members])


class TeamMemberView(V3View):
    """One user's membership (also after they left: ``delete_at`` tells)."""

    @extend_schema(operation_id="v3GetTeamMember", responses=OBJECT)
    def get(self, request: Request, team_id: str, user_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        user_id = url_id(user_id, "user_id")
        member = selectors.team_membership_get(team_id=team_id, user_id=user_id)
        if member is None:
            raise AppError(
                "store.sql_team.get_member.missing.app_error",
                "That user is not a member of the team.",
                404,
            )
        return Response(team_member_json(member))


class AddUserToTeamView(V3View):
    """``{user_id}``: add someone to the team (and its default channels)."""

    @extend_schema(operation_id="v3AddUserToTeam", request=OpenApiTypes.OBJECT, responses=OBJECT)
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        body = string_map(request)
        user_id = body_user_id(body)
        actor = session_user(request)
        require_team_permission(actor, team_id, "add_user_to_team")
        team = team_or_404(team_id)
        services.team_member_add_checked(team=team, user=user_or_404(actor, user_id), actor=actor)
        return Response(go_map(body))


class RemoveUserFromTeamView(V3View):
    """``{user_id}``: leave the team, or (with ``remove_user_from_team``) remove someone."""

    @extend_schema(
        operation_id="v3RemoveUserFromTeam", request=OpenApiTypes.OBJECT, responses=OBJECT
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        body = string_map(request)
        user_id = body_user_id(body)
        actor = session_user(request)
        if user_id != actor.id:
            require_team_permission(actor, team_id, "remove_user_from_team")
        team = team_or_404(team_id)
        services.team_member_leave(team=team, user=user_or_404(actor, user_id), remover=actor)
        return Response(go_map(body))


class TeamMemberRolesView(V3View):
    """``{user_id, new_roles}``: a member's team roles (``team_user``, ``team_admin`` ...)."""

    @extend_schema(
        operation_id="v3UpdateTeamMemberRoles", request=OpenApiTypes.OBJECT, responses=OBJECT
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        body = string_map(request)
        user_id = body_user_id(body)
        roles = body.get("new_roles", "")
        if not role_names_well_formed(roles):
            raise invalid_param("new_roles")
        require_team_permission(session_user(request), team_id, "manage_team_roles")
        member = selectors.team_membership_get(team_id=team_id, user_id=user_id)
        if member is None:
            raise AppError(
                "store.sql_team.get_member.missing.app_error",
                "That user is not a member of the team.",
                404,
            )
        services.team_member_set_roles(member=member, roles=roles)
        return Response({"status": "ok"})


def signup_link_invalid() -> AppError:
    # This server sends no email invitations, so no invitation hash can be valid.
    return AppError(
        "api.user.create_user.signup_link_invalid.app_error",
        "This invitation link is not valid.",
        400,
    )


class JoinFromInviteView(V3View):
    """``{invite_id}`` (or an email invitation's ``{hash, data}``): the caller joins the
    team the invite link belongs to. Answers with the team."""

    @extend_schema(
        operation_id="v3AddUserToTeamFromInvite", request=OpenApiTypes.OBJECT, responses=OBJECT
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        invite_id = body.get("invite_id", "")
        if body.get("hash") or not invite_id:
            raise signup_link_invalid()
        actor = session_user(request)
        member = services.team_member_join_by_invite(user=actor, invite_id=invite_id)
        return Response(team_for_viewer(team_or_404(member.team_id), actor))
