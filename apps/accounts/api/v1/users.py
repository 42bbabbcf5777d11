"""Users on API v1: signing up into a team, logging into one (and out), reading oneself,
other users, a team's profiles and statuses.

A v1 login names the team the session acts in; the session remembers it, and the
``MMTOKEN`` cookie keeps one token per team, so one browser can be logged into several
teams at once (see ``apps.core.api.v1.auth``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.v1.wire import v1_profile, v1_user
from apps.accounts.api.v4.views import client_props
from apps.accounts.models import STATUS_AWAY, STATUS_DND, Session, User
from apps.accounts.permissions import has_system_permission
from apps.core.api.v1.auth import MULTI_TOKEN_COOKIE, cookie_tokens
from apps.core.api.v1.base import (
    ID,
    V1View,
    invalid_param,
    not_permitted,
    not_system_admin,
    v1_cached,
    v1_etag,
)
from apps.core.body import body_object, optional_bool, optional_str, string_map
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.views import request_session, request_user, session_user
from apps.teams.api.v1.scope import session_membership, session_team
from apps.teams.models import Team, TeamMember
from apps.teams.permissions import require_team_sign_up_allowed
from apps.teams.selectors import (
    team_get,
    team_get_by_name,
    team_member_get,
    team_members_with_users,
    team_membership_with_team,
)
from apps.teams.services import team_sign_up

# Text fields a client sets on sign-up.
SIGN_UP_FIELDS = ("username", "email", "password", "nickname", "first_name", "last_name")


def missing_team(detail: str) -> AppError:
    # A missing row was a store error in 1.x: 500, with the lookup in the details.
    return AppError("app.team.get.find.app_error", "No such team.", 500, detail)


def missing_user(user_id: str) -> AppError:
    return AppError("app.user.missing_account.const", "No such user.", 500, user_id)


def live_team(team: Team | None, detail: str) -> Team:
    if team is None or not team.is_active:
        raise missing_team(detail)
    return team


def me_json(request: Request) -> dict[str, Any]:
    """The caller as a v1 user of the session's team."""
    member = session_membership(request)
    return v1_user(session_user(request), team_id=member.team_id, team_admin=member.scheme_admin)


def user_etag(data: dict[str, Any]) -> str:
    # The roles come from the team membership, which the user's update_at does not follow.
    return v1_etag(data["id"], data["update_at"], data["roles"])


class UserCreateView(V1View):
    """``POST /users/create``: a new account, straight into the team ``team_id`` names."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1CreateUser", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "user")
        team_id = optional_str(data, "team_id") or ""
        team = live_team(team_get(team_id) if is_valid_id(team_id) else None, f"id={team_id}")
        fields = {name: optional_str(data, name) or "" for name in SIGN_UP_FIELDS}
        require_team_sign_up_allowed(team=team, email=fields["email"], actor=request_user(request))
        member = team_sign_up(
            team=team, allow_marketing=optional_bool(data, "allow_marketing") or False, **fields
        )
        return Response(v1_user(member.user, team_id=team.id, team_admin=member.scheme_admin))


# Logging in and out

BLANK_PASSWORD = "api.user.login.blank_pwd.app_error"
# 1.x refused every failed login with 403. These refusals say why, in the service's words;
# any other gets the wrong-credentials answer.
TOLD_LOGIN_ERRORS = frozenset(
    {
        "api.user.login.inactive.app_error",
        "api.user.check_user_login_attempts.too_many.app_error",
    }
)
LOGIN_FIELDS = ("id", "name", "email", "username", "password", "device_id")
# Unknown accounts and wrong passwords get the same answer, so nobody learns who exists.
BAD_LOGIN_MESSAGE = "Wrong login details, or the account is not in that team."


def login_refused(error: AppError) -> AppError:
    message = error.message if error.error_id in TOLD_LOGIN_ERRORS else BAD_LOGIN_MESSAGE
    return AppError(error.error_id, message, 403, error.detailed_error)


def login_team_id(body: dict[str, str]) -> str:
    """The team the login names (by name), or for a login by user id without one, the
    team that user joined first ("" if none: the login then fails like a bad password)."""
    if body.get("name"):
        return live_team(team_get_by_name(body["name"]), f"name={body['name']}").id
    member = team_membership_with_team(user_id=body["id"]) if is_valid_id(body["id"]) else None
    return member.team_id if member is not None else ""


def rebuilt_token_cookie(request: Request, session: Session, token: str) -> str:
    """``MMTOKEN`` after a login, as 1.x rebuilt it: the incoming cookie's live tokens of
    other teams (one per team), then the new token."""
    seen = {session.props.get(services.SESSION_PROP_V1_TEAM, "")}
    kept: list[str] = []
    for old in cookie_tokens(request):
        other = selectors.session_get_by_token(old)
        team_id = other.props.get(services.SESSION_PROP_V1_TEAM, "") if other else None
        if other is not None and team_id not in seen:
            seen.add(team_id)
            kept.append(old)
    return " ".join([*kept, token])


class LoginView(V1View):
    """``POST /users/login`` with ``{name, email, password}``, ``{name, username,
    password}`` or ``{id, password}``."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1Login", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        sent = string_map(request)
        body = {key: sent.get(key, "") for key in LOGIN_FIELDS}
        if not body["password"]:
            raise AppError(BLANK_PASSWORD, "A password is needed to log in.", 403)
        login_id = body["email"] or body["username"]
        if not body["id"] and not (body["name"] and login_id):
            raise AppError(
                "api.user.login.v1_missing.app_error",
                "Send either an id, or a team name with an email or username.",
                403,
            )
        team_id = login_team_id(body)
        try:
            user, session, token = services.login(
                login_id="" if body["id"] else login_id,
                user_id=body["id"],
                password=body["password"],
                device_id=body["device_id"],
                props={**client_props(request), services.SESSION_PROP_V1_TEAM: team_id},
                team_id=team_id,
            )
        except AppError as error:
            raise login_refused(error) from None
        member = team_member_get(team_id=team_id, user_id=user.id)
        response = Response(
            v1_user(user, team_id=team_id, team_admin=bool(member and member.scheme_admin)),
            headers={"Token": token},
        )
        response.set_cookie(
            MULTI_TOKEN_COOKIE,
            rebuilt_token_cookie(request, session, token),
            max_age=settings.MATTERMOST.session_length_web_in_hours * 3600,
            secure=request.is_secure(),
            httponly=True,
        )
        return response


class LogoutView(V1View):
    """Ends the session at once (1.4.0 kept it usable for minutes from its cache) and
    expires the cookie."""

    @extend_schema(operation_id="v1Logout", request=None)
    def post(self, request: Request) -> Response:
        session = request_session(request)
        assert session is not None
        services.session_revoke(session=session)
        response = Response({"user_id": session.user_id})
        response.delete_cookie(MULTI_TOKEN_COOKIE)
        return response


# Reading users


class MeView(V1View):
    """``GET /users/me``: without a session, a 200 with an empty body (as in 1.x)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v1GetMe", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> HttpResponse:
        if request_user(request) is None:
            return HttpResponse(b"", content_type="application/json")
        data = me_json(request)
        return v1_cached(request, user_etag(data), lambda: data, expires=True)


def team_of(user: User, team: Team) -> TeamMember | None:
    """The user's membership of ``team``, else of the team they joined first."""
    return team_member_get(team_id=team.id, user_id=user.id) or team_membership_with_team(
        user_id=user.id
    )


class UserView(V1View):
    """``GET /users/{id}``: oneself, or anyone for a system admin (as in 1.x)."""

    @extend_schema(operation_id="v1GetUser", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        actor = session_user(request)
        if user_id == actor.id:
            data = me_json(request)
        else:
            if not has_system_permission(actor, "manage_system"):
                raise not_permitted(f"userId={user_id}")
            user = selectors.user_get(user_id) if is_valid_id(user_id) else None
            if user is None:
                raise missing_user(f"user_id={user_id}")
            member = team_of(user, session_team(request))
            data = v1_user(
                user,
                team_id=member.team_id if member else "",
                team_admin=bool(member and member.scheme_admin),
            )
        return v1_cached(request, user_etag(data), lambda: data)


class ProfilesView(V1View):
    """``GET /users/profiles`` (the session's team) and ``/users/profiles/{team_id}``
    (another team: system admins only): ``{user_id: profile}``."""

    @extend_schema(operation_id="v1GetProfiles", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str = "") -> Response:
        viewer = session_user(request)
        team = session_team(request)
        if team_id and team_id != team.id:
            if not has_system_permission(viewer, "manage_system"):
                raise not_system_admin(f"userId={viewer.id}")
            team = live_team(team_get(team_id) if is_valid_id(team_id) else None, f"id={team_id}")
        members = team_members_with_users(team.id)
        # Roles live on the membership, so the ETag follows them as well as the users.
        etag = v1_etag(
            max((m.user.update_at for m in members), default=0),
            len(members),
            sum(m.scheme_admin for m in members),
        )
        return v1_cached(
            request,
            etag,
            lambda: {
                m.user_id: v1_profile(
                    m.user, team_id=team.id, team_admin=m.scheme_admin, viewer=viewer
                )
                for m in members
            },
        )


class TeamProfilesView(ProfilesView):
    @extend_schema(operation_id="v1GetTeamProfiles", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str = "") -> Response:
        return super().get(request, team_id)


# 1.x knew online, away and offline; "do not disturb" shows as away.
V1_STATUS = {STATUS_DND: STATUS_AWAY}
MAX_STATUS_IDS = 1000


class StatusesView(V1View):
    """``POST /users/status`` with a JSON array of user ids: ``{user_id: status}``."""

    @extend_schema(operation_id="v1GetStatuses", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        user_ids = request.data
        if (
            not isinstance(user_ids, list)
            or len(user_ids) > MAX_STATUS_IDS
            or not all(isinstance(user_id, str) and is_valid_id(user_id) for user_id in user_ids)
        ):
            raise invalid_param("user_ids")
        return Response(
            {
                status.user_id: V1_STATUS.get(status.status, status.status)
                for status in selectors.status_list(user_ids)
            }
        )


urlpatterns: list[URLPattern] = [
    re_path(r"^users/create$", UserCreateView.as_view(), name="user-create"),
    re_path(r"^users/login$", LoginView.as_view(), name="user-login"),
    re_path(r"^users/logout$", LogoutView.as_view(), name="user-logout"),
    re_path(r"^users/me$", MeView.as_view(), name="user-me"),
    re_path(r"^users/status$", StatusesView.as_view(), name="user-statuses"),
    re_path(r"^users/profiles$", ProfilesView.as_view(), name="user-profiles"),
    re_path(
        rf"^users/profiles/(?P<team_id>{ID})$", TeamProfilesView.as_view(), name="team-profiles"
    ),
]
# Last in the app's routes: users/{id} would otherwise take users/me and the like.
user_urlpatterns: list[URLPattern] = [
    re_path(rf"^users/(?P<user_id>{ID})$", UserView.as_view(), name="user"),
]
