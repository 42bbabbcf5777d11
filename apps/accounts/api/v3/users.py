"""API v3: signing up, logging in and out, the caller's own record and the start-up bundle
(``initial_load``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import client_props, set_login_cookies
from apps.accounts.api.v3.bodies import user_body
from apps.accounts.api.v3.wire import user_etag, user_json
from apps.accounts.permissions import require_account_creation_allowed
from apps.accounts.wire import preference_json
from apps.core.api.v3.base import V3TrustedView, V3View, string_map
from apps.core.api.v3.errors import USER_TAKEN, legacy_error_ids
from apps.core.client_config import client_config, client_license
from apps.core.config import V3_SERVER_VERSION
from apps.core.errors import AppError, clear_session_cookies
from apps.core.etag import etag_response
from apps.core.views import request_session, request_user, session_user
from apps.teams.api.v3.wire import team_json, team_member_json
from apps.teams.selectors import team_memberships_active_of_user, teams_of_user

# What a sign-up may set besides username, email and password; the rest is the server's.
SIGN_UP_TEXT = ("nickname", "first_name", "last_name", "position", "locale")
SIGN_UP_MAPS = ("props", "notify_props", "timezone")


def signup_link_invalid() -> AppError:
    # This server sends no email invitations, so no invitation hash or token is valid.
    return AppError(
        "api.user.create_user.signup_link_invalid.app_error",
        "The sign-up link is not valid.",
        400,
    )


class UserCreateView(V3View):
    """Sign-up. Without an invitation it follows the open-server rules (the very first
    account is always allowed, and becomes the system admin); ``?iid=`` signs up through a
    team's invite link and joins that team."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="v3CreateUser",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = user_body(request)
        query = request.query_params
        if query.get("h") or query.get("t"):
            raise signup_link_invalid()
        fields: dict[str, Any] = {
            "username": body.get("username") or "",
            "email": body.get("email") or "",
            "password": body.get("password") or "",
            "allow_marketing": bool(body.get("allow_marketing")),
        }
        fields.update({name: body[name] for name in SIGN_UP_TEXT if body.get(name)})
        fields.update({name: body[name] for name in SIGN_UP_MAPS if body.get(name)})
        invite_id = query.get("iid", "")
        with legacy_error_ids(USER_TAKEN):
            if invite_id:
                user = services.user_create_from_invite(invite_id=invite_id, **fields)
            else:
                require_account_creation_allowed(request_user(request))
                user = services.user_create(**fields)
        return Response(user_json(user))


# v3 clients know a failed password login by this id. As in v4, an unknown account gets
# the same answer, so a login attempt does not reveal which accounts exist.
WRONG_PASSWORD = {
    f"api.user.login.invalid_credentials_{kind}": "api.user.check_user_password.invalid.app_error"
    for kind in ("email_username", "email", "username")
}


class LoginView(V3View):
    """``{login_id | id, password, device_id?}`` (other keys, such as the old ``name`` of a
    team, are ignored). The session token comes back in the ``Token`` header; a page's
    script also gets the session cookies."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="v3Login", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        with legacy_error_ids(WRONG_PASSWORD):
            user, _, token = services.login(
                login_id=body.get("login_id", ""),
                user_id=body.get("id", ""),
                password=body.get("password", ""),
                device_id=body.get("device_id", ""),
                props=client_props(request),
            )
        response = Response(user_json(user), headers={"Token": token})
        set_login_cookies(
            request, response, (("MMAUTHTOKEN", token, True), ("MMUSERID", user.id, False))
        )
        return response


class LogoutView(V3View):
    """Ends the caller's session and clears the cookies; without a session it only clears
    them. Answers with the id of the user who was logged in (empty if none)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3Logout", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        session = request_session(request)
        user_id = ""
        if session is not None:
            user_id = session.user_id
            services.session_revoke(session=session)
        response = Response({"user_id": user_id})
        clear_session_cookies(response)
        return response


class MeView(V3View):
    @extend_schema(operation_id="v3GetMe", responses={200: OpenApiTypes.OBJECT, 304: None})
    def get(self, request: Request) -> Response:
        user = session_user(request)
        return etag_response(request, user_etag(user), lambda: user_json(user))


class MfaCheckView(V3View):
    """Whether a login needs a one-time code. This server has no multi-factor
    authentication (as an unlicensed v3 server), so never."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="v3CheckMfa", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        return Response({"mfa_required": "false"})


class InitialLoadView(V3TrustedView):
    """What a v3 client loads at start: the user, their teams and memberships, their
    preferences, and the client configuration and license. Without a session only the
    configuration, the license and whether the server has no account yet."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GetInitialLoad", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        body: dict[str, Any] = dict.fromkeys(("user", "team_members", "teams", "preferences"))
        if user is not None:
            body["user"] = user_json(user)
            body["team_members"] = [
                team_member_json(member) for member in team_memberships_active_of_user(user.id)
            ]
            # Always sanitized here, even for the team's admins (as v3 sent them).
            body["teams"] = [team_json(team, sanitized=True) for team in teams_of_user(user.id)]
            body["preferences"] = [
                preference_json(preference)
                for preference in selectors.preference_list(user_id=user.id)
            ]
        body["client_cfg"] = client_config(version=V3_SERVER_VERSION)
        body["license_cfg"] = client_license()
        body["no_accounts"] = user is None and not selectors.users_exist()
        return Response(body)
