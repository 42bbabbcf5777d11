"""Teams on API v1: creating one (with or without an account, as 1.x allowed), the
sign-up link flow, finding teams, and the session's team."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api.v1.wire import v1_user
from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission
from apps.accounts.selectors import user_get_by_email
from apps.core.api.v1.base import V1View, invalid_param, not_system_admin, v1_cached, v1_etag
from apps.core.body import body_object, optional_bool, optional_str, string_map
from apps.core.views import request_user, session_user
from apps.teams import selectors, services
from apps.teams.api.v1.scope import session_team
from apps.teams.api.v1.wire import (
    v1_team,
    v1_team_for_viewer,
    v1_team_sanitized,
    v1_teams_for_viewer,
)
from apps.teams.models import Team
from apps.teams.permissions import (
    require_team_creation_allowed,
    require_team_permission,
    require_user_creation_enabled,
)

# The fields of a team a client sets when creating one.
TEAM_TEXT_FIELDS = ("display_name", "name", "type", "company_name", "allowed_domains")


def team_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: optional_str(data, name) or "" for name in TEAM_TEXT_FIELDS}


def v1_new_team(team: Team, creator: User | None) -> dict[str, Any]:
    """A new team as its creator sees it; an anonymous creator sees all of it (as in 1.x:
    they just chose every field)."""
    if creator is None:
        return v1_team(team, email=True, invite_id=True)
    return v1_team_for_viewer(team, creator)


class TeamCreateView(V1View):
    """``POST /teams/create``: a new team with its default channels. Without a session the
    team starts without members; whoever then signs up with its email becomes its admin.
    With one, the caller joins it as admin (and its email is theirs)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1CreateTeam", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "team")
        actor = request_user(request)
        require_team_creation_allowed(actor)
        team = services.team_create(
            creator=actor, email=optional_str(data, "email") or "", **team_fields(data)
        )
        return Response(v1_new_team(team, actor))


class SignupView(V1View):
    """``POST /teams/signup``: ``{email}``. 1.x mailed a link to create a team; with email
    verification off it also answered the link (``follow_link``). No mail is sent here:
    the answer always carries the link, good for an hour."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1SignupTeam", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        email = string_map(request).get("email", "").strip().lower()
        if not email:
            raise invalid_param("email")
        require_team_creation_allowed(None)
        link = services.team_signup_link(email=email)
        query = urlencode({"d": link.data, "h": link.hash})
        return Response(
            {
                "email": email,
                "follow_link": request.build_absolute_uri(f"/signup_team_complete/?{query}"),
            }
        )


class CreateFromSignupView(V1View):
    """``POST /teams/create_from_signup``: ``{team, user, invites, data, hash}`` with the
    link's ``data`` and ``hash``: the team and its first account (its admin), made with
    the link's email address. Invitations are not mailed; the list is echoed."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1CreateTeamFromSignup", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "teamSignup")
        team_data, user_data = data.get("team"), data.get("user")
        invites = data.get("invites") or []
        if not isinstance(team_data, dict) or not isinstance(user_data, dict):
            raise invalid_param("teamSignup")
        if not isinstance(invites, list):
            raise invalid_param("invites")
        link = services.SignupLink(
            data=optional_str(data, "data") or "", hash=optional_str(data, "hash") or ""
        )
        require_team_creation_allowed(None)
        require_user_creation_enabled()
        team, user = services.team_create_from_signup(
            link=link,
            team_fields=team_fields(team_data),
            user_fields={
                name: optional_str(user_data, name) or ""
                for name in ("username", "password", "nickname", "first_name", "last_name")
            },
        )
        return Response(
            {
                "team": v1_new_team(team, None),
                "user": v1_user(user, team_id=team.id, team_admin=True),
                "invites": invites,
                "data": link.data,
                "hash": link.hash,
            }
        )


class FindTeamByNameView(V1View):
    """``POST /teams/find_team_by_name``: ``{name}``; a bare ``true`` or ``false``."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1FindTeamByName", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        name = string_map(request).get("name", "")
        if not name:
            raise invalid_param("name")
        team = selectors.team_get_by_name(name)
        return Response(team is not None and team.is_active)


class FindTeamsView(V1View):
    """``POST /teams/find_teams``: ``{email}``; the teams that address's account belongs
    to, with their private fields blanked."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1FindTeams", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        email = string_map(request).get("email", "")
        if not email:
            raise invalid_param("email")
        user = user_get_by_email(email)
        teams = selectors.teams_of_user(user.id) if user is not None else []
        return Response({team.id: v1_team_sanitized(team) for team in teams})


class MyTeamView(V1View):
    """``GET /teams/me``: the session's team."""

    @extend_schema(operation_id="v1GetMyTeam", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        team = session_team(request)
        return v1_cached(
            request,
            v1_etag(team.id, team.update_at),
            lambda: v1_team_for_viewer(team, session_user(request)),
            expires=True,
        )


class UpdateTeamView(V1View):
    """``POST /teams/update``: the session's team with the fields the body carries
    (display name, company, allowed domains, open invites); for its admins."""

    @extend_schema(operation_id="v1UpdateTeam", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "team")
        changes: dict[str, Any] = {}
        for name in ("display_name", "company_name", "allowed_domains"):
            value = optional_str(data, name)
            if value:
                changes[name] = value
        allow_open_invite = optional_bool(data, "allow_open_invite")
        if allow_open_invite is not None:
            changes["allow_open_invite"] = allow_open_invite
        actor = session_user(request)
        team = session_team(request)
        require_team_permission(actor, team.id, "manage_team")
        team = services.team_patch(team=team, changes=changes)
        return Response(v1_team_for_viewer(team, actor) | {"email": "", "allowed_domains": ""})


class AllTeamsView(V1View):
    """``GET /teams/all``: every team, for system admins."""

    @extend_schema(operation_id="v1GetAllTeams", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        actor = session_user(request)
        if not has_system_permission(actor, "manage_system"):
            raise not_system_admin(f"userId={actor.id}")
        teams = list(selectors.teams_listed(allow_open_invite=None, include_archived=True))
        return Response(v1_teams_for_viewer(teams, actor))


urlpatterns: list[URLPattern] = [
    re_path(r"^teams/create$", TeamCreateView.as_view(), name="team-create"),
    re_path(r"^teams/signup$", SignupView.as_view(), name="team-signup"),
    re_path(
        r"^teams/create_from_signup$",
        CreateFromSignupView.as_view(),
        name="team-create-from-signup",
    ),
    re_path(r"^teams/find_team_by_name$", FindTeamByNameView.as_view(), name="team-find-by-name"),
    re_path(r"^teams/find_teams$", FindTeamsView.as_view(), name="team-find-teams"),
    re_path(r"^teams/me$", MyTeamView.as_view(), name="team-me"),
    re_path(r"^teams/update$", UpdateTeamView.as_view(), name="team-update"),
    re_path(r"^teams/all$", AllTeamsView.as_view(), name="team-all"),
]
