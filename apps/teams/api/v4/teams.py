"""Teams: create, read, update, archive, search, stats, invites."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_system_permission
from apps.core.body import body_object, optional_bool, optional_str
from apps.core.errors import AppError, invalid_body_param, invalid_url_param
from apps.core.pagination import MAX_PER_PAGE, Page, page_from
from apps.core.views import STATUS_OK, MattermostView, query_flag, session_user, url_id
from apps.teams import selectors, services
from apps.teams.api.v4.serializers import (
    team_for_viewer,
    team_invite_info,
    team_stats,
    teams_for_viewer,
)
from apps.teams.models import TEAM_OPEN, TEAM_TYPES, Team
from apps.teams.permissions import (
    require_team_permission,
    require_team_readable,
    team_listing_for,
    team_visible_to,
)
from apps.teams.validators import is_valid_team_name

TEAM_ID = OpenApiParameter("team_id", OpenApiTypes.STR, OpenApiParameter.PATH)

# Text fields of a team a client sets on creation and on a full update.
TEXT_FIELDS = ("display_name", "description", "company_name", "allowed_domains")


def missing_team() -> AppError:
    return AppError("app.team.get.find.app_error", "No team has that id.", 404)


def team_or_404(team_id: str) -> Team:
    team = selectors.team_get(team_id)
    if team is None:
        raise missing_team()
    return team


def managed_team(request: Request, raw_team_id: str) -> tuple[User, Team]:
    """(caller, team) when the caller has ``manage_team`` on the team in the URL. The
    permission is checked first, so outsiders cannot probe which team ids exist."""
    actor = session_user(request)
    team_id = url_id(raw_team_id, "team_id")
    require_team_permission(actor, team_id, "manage_team")
    return actor, team_or_404(team_id)


def text_fields(data: dict[str, Any]) -> dict[str, str]:
    """The team's text fields from a create or full-update body; absent ones are empty."""
    return {name: optional_str(data, name) or "" for name in TEXT_FIELDS}


def patch_changes(data: dict[str, Any]) -> dict[str, Any]:
    """The fields a patch body sets. As in Mattermost, null leaves a field unchanged."""
    changes: dict[str, Any] = {}
    for name in services.TEAM_EDITABLE:
        read = optional_str if name in TEXT_FIELDS else optional_bool
        value = read(data, name)
        if value is not None:
            changes[name] = value
    return changes


def optional_count(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid_body_param(name)
    return value


class TeamsView(MattermostView):
    """``POST /teams`` creates a team; ``GET /teams`` lists the teams the caller may see."""

    @extend_schema(
        operation_id="CreateTeam", request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "team")
        fields = text_fields(data)
        name = optional_str(data, "name") or ""
        team_type = optional_str(data, "type") or ""
        allow_open_invite = optional_bool(data, "allow_open_invite") or False
        actor = session_user(request)
        if not has_system_permission(actor, "create_team"):
            raise AppError(
                "api.team.is_team_creation_allowed.disabled.app_error",
                "You are not allowed to create teams.",
                403,
            )
        team = services.team_create(
            creator=actor,
            name=name,
            type=team_type,
            allow_open_invite=allow_open_invite,
            **fields,
        )
        return Response(team_for_viewer(team, actor), status=201)

    @extend_schema(
        operation_id="GetAllTeams",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("per_page", OpenApiTypes.INT),
            OpenApiParameter("include_total_count", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        actor = session_user(request)
        listing = team_listing_for(actor)
        if listing is None:
            raise AppError(
                "api.team.get_all_teams.insufficient_permissions",
                "You are not allowed to list teams.",
                403,
            )
        teams = selectors.teams_listed(
            allow_open_invite=listing.allow_open_invite,
            include_archived=listing.include_archived,
        )
        page = teams_for_viewer(page_from(request).of(teams), actor)
        if query_flag(request, "include_total_count"):
            return Response({"teams": page, "total_count": teams.count()})
        return Response(page)


class TeamSearchView(MattermostView):
    @extend_schema(
        operation_id="SearchTeams",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "team_search")
        term = optional_str(data, "term") or ""
        page, per_page = optional_count(data, "page"), optional_count(data, "per_page")
        allow_open_invite = optional_bool(data, "allow_open_invite")
        group_constrained = optional_bool(data, "group_constrained")
        actor = session_user(request)
        listing = team_listing_for(actor)
        if listing is None:
            return Response([])
        if listing.allow_open_invite is not None:
            # Those who may list only one kind of team search only the open teams of that
            # kind, without paging (as in Mattermost).
            if page is not None or per_page is not None:
                kind = "public" if listing.allow_open_invite else "private"
                raise AppError(
                    f"api.team.search_teams.pagination_not_implemented.{kind}_team_search",
                    "Paging is not available for this search.",
                    501,
                )
            allow_open_invite, group_constrained = listing.allow_open_invite, None
        teams = selectors.teams_search(
            term=term,
            allow_open_invite=allow_open_invite,
            group_constrained=group_constrained,
            team_type=None if listing.allow_open_invite is None else TEAM_OPEN,
            include_archived=listing.include_archived,
        )
        if page is None or per_page is None:
            return Response(teams_for_viewer(list(teams), actor))
        rows = Page(page=page, per_page=min(per_page, MAX_PER_PAGE)).of(teams)
        return Response({"teams": teams_for_viewer(rows, actor), "total_count": teams.count()})


class TeamView(MattermostView):
    @extend_schema(
        operation_id="GetTeam", parameters=[TEAM_ID], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team = team_or_404(url_id(team_id, "team_id"))
        require_team_readable(actor, team)
        return Response(team_for_viewer(team, actor))

    @extend_schema(
        operation_id="UpdateTeam",
        parameters=[TEAM_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        data = body_object(request, "team")
        if data.get("id") != team_id:
            raise invalid_body_param("id")
        # A full update: every editable field takes the body's value, absent ones their
        # empty value. The name, type and email are not changed this way.
        changes: dict[str, Any] = {
            **text_fields(data),
            "allow_open_invite": optional_bool(data, "allow_open_invite") or False,
            "group_constrained": optional_bool(data, "group_constrained"),
        }
        actor, team = managed_team(request, team_id)
        team = services.team_patch(team=team, changes=changes)
        return Response(team_for_viewer(team, actor))

    @extend_schema(
        operation_id="SoftDeleteTeam",
        parameters=[TEAM_ID, OpenApiParameter("permanent", OpenApiTypes.BOOL)],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, team_id: str) -> Response:
        actor, team = managed_team(request, team_id)
        if not query_flag(request, "permanent"):
            services.team_archive(team=team)
            return Response(STATUS_OK)
        if not settings.MATTERMOST.enable_api_team_deletion:
            raise AppError(
                "api.user.delete_team.not_enabled.app_error",
                "Deleting teams for good is switched off on this server.",
                401,
            )
        require_system_permission(actor, "manage_system")
        services.team_delete_permanently(team=team)
        return Response(STATUS_OK)


class TeamPatchView(MattermostView):
    @extend_schema(
        operation_id="PatchTeam",
        parameters=[TEAM_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, team_id: str) -> Response:
        changes = patch_changes(body_object(request, "team"))
        actor, team = managed_team(request, team_id)
        team = services.team_patch(team=team, changes=changes)
        return Response(team_for_viewer(team, actor))


class TeamPrivacyView(MattermostView):
    @extend_schema(
        operation_id="UpdateTeamPrivacy",
        parameters=[TEAM_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, team_id: str) -> Response:
        privacy = body_object(request, "privacy").get("privacy")
        if privacy not in TEAM_TYPES:
            raise invalid_body_param("privacy")
        actor, team = managed_team(request, team_id)
        team = services.team_set_privacy(team=team, privacy=privacy)
        return Response(team_for_viewer(team, actor))


class TeamRestoreView(MattermostView):
    @extend_schema(
        operation_id="RestoreTeam",
        parameters=[TEAM_ID],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        actor, team = managed_team(request, team_id)
        team = services.team_restore(team=team)
        return Response(team_for_viewer(team, actor))


class TeamRegenerateInviteIdView(MattermostView):
    @extend_schema(
        operation_id="RegenerateTeamInviteId",
        parameters=[TEAM_ID],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        actor, team = managed_team(request, team_id)
        team = services.team_regenerate_invite_id(team=team)
        body = team_for_viewer(team, actor)
        if not (settings.MATTERMOST.show_email_address or actor.is_system_admin):
            body["email"] = ""
        return Response(body)


class TeamStatsView(MattermostView):
    @extend_schema(
        operation_id="GetTeamStats", parameters=[TEAM_ID], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, team_id: str) -> Response:
        actor = session_user(request)
        team_id = url_id(team_id, "team_id")
        require_team_permission(actor, team_id, "view_team")
        team = team_or_404(team_id)
        total, active = selectors.team_member_counts(team.id)
        return Response(team_stats(team.id, total, active))


def team_name(value: str) -> str:
    if not is_valid_team_name(value):
        raise invalid_url_param("team_name")
    return value


class TeamByNameView(MattermostView):
    @extend_schema(operation_id="GetTeamByName", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, name: str) -> Response:
        actor = session_user(request)
        team = selectors.team_get_by_name(team_name(name))
        if team is None:
            raise AppError("app.team.get_by_name.missing.app_error", "No team has that name.", 404)
        require_team_readable(actor, team)
        return Response(team_for_viewer(team, actor))


class TeamExistsView(MattermostView):
    """Whether a team name is taken, as far as the caller may know: a team they could
    neither see in a list nor belong to is reported as not existing."""

    @extend_schema(operation_id="TeamExists", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, name: str) -> Response:
        actor = session_user(request)
        team = selectors.team_get_by_name(team_name(name))
        return Response({"exists": team is not None and team_visible_to(actor, team)})


class TeamInviteInfoView(MattermostView):
    """What an invite link leads to; needs no session, so people can see it before they
    sign up. Only open teams answer."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="GetTeamInviteInfo", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, invite_id: str) -> Response:
        team = selectors.team_get_by_invite_id(invite_id)
        if team is None:
            raise AppError(
                "app.team.get_by_invite_id.finding.app_error",
                "No team has that invite id.",
                404,
            )
        if team.type != TEAM_OPEN:
            raise AppError(
                "api.team.get_invite_info.not_open_team",
                "This invite belongs to an invite-only team.",
                403,
            )
        return Response(team_invite_info(team))


urlpatterns = [
    path("teams", TeamsView.as_view(), name="teams"),
    path("teams/search", TeamSearchView.as_view(), name="team-search"),
    path("teams/name/<str:name>", TeamByNameView.as_view(), name="team-by-name"),
    path("teams/name/<str:name>/exists", TeamExistsView.as_view(), name="team-exists"),
    path("teams/invite/<str:invite_id>", TeamInviteInfoView.as_view(), name="team-invite-info"),
    path("teams/<str:team_id>", TeamView.as_view(), name="team"),
    path("teams/<str:team_id>/patch", TeamPatchView.as_view(), name="team-patch"),
    path("teams/<str:team_id>/privacy", TeamPrivacyView.as_view(), name="team-privacy"),
    path("teams/<str:team_id>/restore", TeamRestoreView.as_view(), name="team-restore"),
    path("teams/<str:team_id>/stats", TeamStatsView.as_view(), name="team-stats"),
    path(
        "teams/<str:team_id>/regenerate_invite_id",
        TeamRegenerateInviteIdView.as_view(),
        name="team-regenerate-invite-id",
    ),
]
