from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import client_props, set_login_cookies
from apps.accounts.api.v4.serializers import user_etag, user_for_self, user_for_viewer
from apps.accounts.api.v4.user_changes import apply_changes, deactivate
from apps.accounts.api.v4.user_queries import QUERY_SCOPE, scope_from
from apps.accounts.models import User
from apps.accounts.permissions import (
    require_account_creation_allowed,
    require_scope_visible,
    require_system_permission,
)
from apps.accounts.selectors import UserScope
from apps.core.body import body_object, optional_bool, optional_map, optional_str
from apps.core.errors import AppError, clear_session_cookies, invalid_url_param
from apps.core.etag import etag_response, make_etag
from apps.core.pagination import page_from
from apps.core.views import (
    MattermostView,
    request_session,
    request_user,
    session_user,
    url_user_id,
)

# Fields a client may set when creating an account; everything else is the server's.
CREATE_FIELDS = ("nickname", "first_name", "last_name", "position", "locale")
CREATE_MAPPINGS = ("props", "notify_props", "timezone")


def string_map(data: Any) -> dict[str, str]:
    """Read a body the way Mattermost's map[string]string decoding does: keys with string
    values are kept, null counts as "", anything else (and a non-object body) is ignored."""
    if not isinstance(data, dict):
        return {}
    result = {}
    for key, value in data.items():
        if value is None:
            result[key] = ""
        elif isinstance(value, str):
            result[key] = value
    return result


def missing_user(by: str = "id") -> AppError:
    if by == "username":
        return AppError("app.user.get_by_username.app_error", "No user has that username.", 404)
    return AppError("app.user.missing_account.const", "No such user.", 404)


class UsersView(MattermostView):
    """``POST /users``: sign-up, or an admin creating an account; ``GET /users``: the list."""

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else list(super().get_permissions())

    @extend_schema(
        operation_id="CreateUser",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "user")
        invite_id = request.query_params.get("iid", "")
        if request.query_params.get("t"):
            # Email invitation tokens are never issued here, so none can be valid.
            raise AppError(
                "api.user.create_user.signup_link_invalid.app_error",
                "The sign-up link is not valid.",
                400,
            )
        if not invite_id:
            require_account_creation_allowed(request_user(request))
        fields: dict[str, Any] = {}
        for name in ("username", "email", "password", *CREATE_FIELDS):
            fields[name] = optional_str(data, name) or ""
        for name in CREATE_MAPPINGS:
            value = optional_map(data, name)
            if value is not None:
                fields[name] = value
        fields["allow_marketing"] = optional_bool(data, "allow_marketing") or False
        if invite_id:
            user = services.user_create_from_invite(invite_id=invite_id, **fields)
        else:
            user = services.user_create(**fields)
        return Response(user_for_self(user), status=201)

    @extend_schema(operation_id="GetUsers", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        query = request.query_params
        if query.get("in_group") or query.get("not_in_group"):
            raise invalid_url_param("in_group")  # groups (LDAP/SAML) are not supported
        scope = scope_from(query, QUERY_SCOPE, invalid_url_param)
        if scope.not_in_channel and not scope.in_team:
            raise invalid_url_param("team_id")
        sort = query.get("sort", "")
        # Mattermost sorts only lists scoped to one team (by age or activity) or one
        # channel (by status or admin first).
        team_only = bool(scope.in_team) and scope == UserScope(in_team=scope.in_team)
        team_sort = sort in ("create_at", "last_activity_at") and team_only
        channel_sort = sort in ("status", "admin") and bool(scope.in_channel)
        if sort and not (team_sort or channel_sort):
            raise invalid_url_param("sort")
        active = query.get("active") == "true"
        inactive = query.get("inactive") == "true"
        if active and inactive:
            raise invalid_url_param("inactive")
        viewer = session_user(request)
        require_scope_visible(viewer, scope)

        def page() -> list[dict[str, Any]]:
            users = selectors.users_page(
                page=page_from(request),
                scope=scope,
                active=active,
                inactive=inactive,
                role=query.get("role", ""),
                sort=sort,
            )
            return [user_for_viewer(user, viewer) for user in users]

        if team_only and not sort:
            config = settings.MATTERMOST
            newest, count = selectors.team_profiles_etag_parts(scope.in_team)
            etag = make_etag(
                scope.in_team, newest, count, config.show_full_name, config.show_email_address
            )
            return etag_response(request, etag, page)
        return Response(page())


class LoginView(MattermostView):
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="Login", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = string_map(request.data)
        user, session, token = services.login(
            login_id=body.get("login_id", ""),
            user_id=body.get("id", ""),
            password=body.get("password", ""),
            device_id=body.get("device_id", ""),
            props=client_props(request),
        )
        response = Response(user_for_self(user), headers={"Token": token})
        cookies = (
            ("MMAUTHTOKEN", token, True),
            ("MMUSERID", user.id, False),
            ("MMCSRF", session.csrf_token, False),
        )
        set_login_cookies(request, response, cookies)
        return response


class LogoutView(MattermostView):
    """Ends the caller's session, if any; works without one, as in Mattermost."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="Logout", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        session = request_session(request)
        if session is not None:
            services.session_revoke(session=session)
        response = Response({"status": "OK"})
        clear_session_cookies(response)
        return response


def user_response(request: Request, user: User | None, missing: AppError) -> Response:
    if user is None:
        raise missing
    viewer = session_user(request)
    if user.id != viewer.id:
        require_system_permission(viewer, "view_members")
    return etag_response(request, user_etag(user), lambda: user_for_viewer(user, viewer))


class UserView(MattermostView):
    @extend_schema(operation_id="UpdateUser", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, user_id: str) -> Response:
        return apply_changes(request, user_id, replace=True)

    @extend_schema(operation_id="DeleteUser", request=None)
    def delete(self, request: Request, user_id: str) -> Response:
        return deactivate(request, user_id)

    @extend_schema(operation_id="GetUser", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        viewer = session_user(request)
        # The caller's own record is already loaded (and kept fresh) by authentication.
        user = viewer if user_id == viewer.id else selectors.user_get(user_id)
        return user_response(request, user, missing_user())


class UserByUsernameView(MattermostView):
    @extend_schema(operation_id="GetUserByUsername", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, username: str) -> Response:
        user = selectors.user_get_by_username(username)
        return user_response(request, user, missing_user("username"))


class UserByEmailView(MattermostView):
    @extend_schema(operation_id="GetUserByEmail", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, email: str) -> Response:
        viewer = session_user(request)
        if not (settings.MATTERMOST.show_email_address or viewer.is_system_admin):
            require_system_permission(viewer, "manage_system")
        return user_response(request, selectors.user_get_by_email(email), missing_user())
