"""API v3: teams — creating, finding, reading and editing them, and the caller's view of
their own teams (memberships, unread counts, invite links)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import has_system_permission
from apps.core.api.v3.base import V3View, require_team_in_url, string_map
from apps.core.api.v3.errors import legacy_error_ids
from apps.core.api.v3.params import FLAG, NUMBER, TEXT, FieldType, struct_body, v3_etag
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.views import session_user
from apps.teams import selectors, services
from apps.teams.api.v3.wire import (
    invite_info_json,
    team_for_viewer,
    team_json,
    team_map_for_viewer,
    team_member_json,
    team_stats_json,
    team_unread_json,
)
from apps.teams.models import TEAM_OPEN, Team
from apps.teams.permissions import require_team_permission, require_team_readable

OBJECT = {200: OpenApiTypes.OBJECT}
TEAM_FIELDS: dict[str, FieldType] = {
    **dict.fromkeys(
        (
            "id",
            "display_name",
            "name",
            "description",
            "email",
            "type",
            "company_name",
            "allowed_domains",
            "invite_id",
        ),
        TEXT,
    ),
    "allow_open_invite": FLAG,
    **dict.fromkeys(("create_at", "update_at", "delete_at", "last_team_icon_update"), NUMBER),
}
# 4.10 named a taken team name after its store layer.
TEAM_NAME_TAKEN = {
    "app.team.save.existing.app_error": "store.sql_team.save.domain_exists.app_error"
}
# What a team update may change (the name, type and email stay).
UPDATABLE_TEXT = ("display_name", "description", "company_name", "allowed_domains")


def team_or_404(team_id: str) -> Team:
    team = selectors.team_get(team_id)
    if team is None:
        raise AppError("store.sql_team.get.find.app_error", "There is no team with that id.", 404)
    return team


class TeamCreateView(V3View):
    """A new team; the caller becomes its admin. The answer is not sanitized: the creator
    manages the team."""

    @extend_schema(operation_id="v3CreateTeam", request=OpenApiTypes.OBJECT, responses=OBJECT)
    def post(self, request: Request) -> Response:
        body = struct_body(request, "team", TEAM_FIELDS)
        actor = session_user(request)
        if not has_system_permission(actor, "create_team"):
            raise AppError(
                "api.team.is_team_creation_allowed.disabled.app_error",
                "You are not allowed to create teams.",
                403,
            )
        with legacy_error_ids(TEAM_NAME_TAKEN):
            team = services.team_create(
                creator=actor,
                display_name=body.get("display_name") or "",
                name=body.get("name") or "",
                type=body.get("type") or "",
                description=body.get("description") or "",
                company_name=body.get("company_name") or "",
                allowed_domains=body.get("allowed_domains") or "",
                allow_open_invite=bool(body.get("allow_open_invite")),
            )
        return Response(team_json(team, sanitized=False))


class AllTeamsView(V3View):
    """Every team for those who manage the system; the caller's own teams for others."""

    @extend_schema(operation_id="v3GetAllTeams", responses=OBJECT)
    def get(self, request: Request) -> Response:
        actor = session_user(request)
        if has_system_permission(actor, "manage_system"):
            teams = list(selectors.teams_listed(allow_open_invite=None, include_archived=True))
        else:
            teams = selectors.teams_of_user(actor.id)
        return Response(team_map_for_viewer(teams, actor))


class TeamListingsView(V3View):
    """The teams anyone may join (those that allow open invites)."""

    @extend_schema(operation_id="v3GetAllTeamListings", responses=OBJECT)
    def get(self, request: Request) -> Response:
        teams = selectors.teams_listed(allow_open_invite=True, include_archived=False)
        return Response(team_map_for_viewer(list(teams), session_user(request)))


class InviteInfoView(V3View):
    """``{invite_id}``: what an invite link leads to, for people not signed up yet. Only
    open teams answer."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GetInviteInfo", request=OpenApiTypes.OBJECT, responses=OBJECT)
    def post(self, request: Request) -> Response:
        team = selectors.team_get_by_invite_id(string_map(request).get("invite_id", ""))
        if team is None:
            raise AppError(
                "app.team.get_by_invite_id.finding.app_error", "No team has that invite id.", 404
            )
        if team.type != TEAM_OPEN:
            raise AppError(
                "api.team.get_invite_info.not_open_team",
                "This invite belongs to an invite-only team.",
                400,
            )
        return Response(invite_info_json(team))


class FindTeamByNameView(V3View):
    """``{name}``: whether a team has that name. Answers a bare ``true`` or ``false``."""

    @extend_schema(
        operation_id="v3FindTeamByName",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.BOOL},
    )
    def post(self, request: Request) -> Response:
        name = string_map(request).get("name", "").strip().lower()
        return Response(bool(name) and selectors.team_get_by_name(name) is not None)


class TeamByNameView(V3View):
    """A team by name: open teams for anyone, other teams for their members."""

    @extend_schema(operation_id="v3GetTeamByName", responses=OBJECT)
    def get(self, request: Request, team_name: str) -> Response:
        team = selectors.team_get_by_name(team_name)
        if team is None:
            raise AppError("store.sql_team.get_by_name.app_error", "No team has that name.", 404)
        actor = session_user(request)
        require_team_readable(actor, team)
        return Response(team_for_viewer(team, actor))


class MyTeamMembersView(V3View):
    @extend_schema(operation_id="v3GetMyTeamMembers", responses=OBJECT)
    def get(self, request: Request) -> Response:
        members = selectors.team_memberships_active_of_user(session_user(request).id)
        return Response([team_member_json(member) for member in members])


class MyTeamsUnreadView(V3View):
    """What the caller has not read, per team; ``?id=`` leaves one team out (the one the
    client is showing)."""

    @extend_schema(operation_id="v3GetMyTeamsUnread", responses=OBJECT)
    def get(self, request: Request) -> Response:
        unreads = selectors.team_unreads_for_user(
            user_id=session_user(request).id,
            exclude_team_id=request.query_params.get("id", ""),
        )
        return Response([team_unread_json(unread) for unread in unreads])


class MyTeamView(V3View):
    """The team in the URL, with its ETag."""

    @extend_schema(operation_id="v3GetMyTeam", responses={200: OpenApiTypes.OBJECT, 304: None})
    def get(self, request: Request, team_id: str) -> Response:
        team = team_or_404(require_team_in_url(request, team_id))
        etag = v3_etag(team.id, team.update_at)
        actor = session_user(request)
        return etag_response(request, etag, lambda: team_for_viewer(team, actor))


class TeamUpdateView(V3View):
    """The team object as its managers now want it: display name, description, company
    name, allowed domains and whether anyone may join. Fields left out stay as they are."""

    @extend_schema(operation_id="v3UpdateTeam", request=OpenApiTypes.OBJECT, responses=OBJECT)
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        body = struct_body(request, "team", TEAM_FIELDS)
        actor = session_user(request)
        require_team_permission(actor, team_id, "manage_team")
        team = team_or_404(team_id)
        changes: dict[str, Any] = {
            name: body[name] for name in UPDATABLE_TEXT if body.get(name) is not None
        }
        if body.get("allow_open_invite") is not None:
            changes["allow_open_invite"] = body["allow_open_invite"]
        team = services.team_patch(team=team, changes=changes)
        return Response(team_for_viewer(team, actor))


class TeamStatsView(V3View):
    @extend_schema(operation_id="v3GetTeamStats", responses=OBJECT)
    def get(self, request: Request, team_id: str) -> Response:
        team = team_or_404(require_team_in_url(request, team_id))
        total, active = selectors.team_member_counts(team.id)
        return Response(team_stats_json(team.id, total, active))
