"""Changing users on API v1: profile, notification settings, activation, roles, password
and picture. 1.x sent the user (or an id) in the body, never in the URL.

The permissions are API v4's, so no face allows what another refuses; v1's roles map onto
the global model: "admin" is admin of the session's team, "system_admin" system admin.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import uploaded_image
from apps.accounts.api.v1.wire import SYSTEM_ADMIN, TEAM_ADMIN, v1_user
from apps.accounts.api.v4.user_changes import deactivate, profile_changes
from apps.accounts.models import ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER, User
from apps.accounts.permissions import (
    has_system_permission,
    require_password_for_email_change,
    require_self_or_permission,
)
from apps.core.api.v1.base import V1View, invalid_param, not_permitted, param_id
from apps.core.body import body_object, string_map
from apps.core.errors import AppError, invalid_body_param
from apps.core.views import request_session, session_user
from apps.teams.api.v1.scope import session_team
from apps.teams.models import TeamMember
from apps.teams.permissions import has_team_permission
from apps.teams.selectors import team_member_get
from apps.teams.services import team_member_set_scheme_roles

# 1.x's shortest password; the server's own minimum applies on top.
V1_PASSWORD_MIN_LENGTH = 5
# The notification settings 1.x required in every update.
REQUIRED_NOTIFY_PROPS = ("email", "desktop_sound", "desktop")


def target_user(request: Request, user_id: str) -> User:
    """The user a change names (by id), when the caller may change them: themselves, or
    anyone with ``edit_other_users``; only admins may change an admin."""
    actor = session_user(request)
    param_id(user_id, "user_id")
    require_self_or_permission(actor, user_id, "edit_other_users")
    user = actor if user_id == actor.id else selectors.user_get(user_id)
    if user is None:
        raise AppError("app.user.missing_account.const", "No such user.", 500)
    if user.is_system_admin and not has_system_permission(actor, "manage_system"):
        raise not_permitted(f"userId={user_id}")
    return user


def user_in_session_team(request: Request, user: User) -> dict[str, Any]:
    """``user`` as v1 shows them, in the session's team."""
    member = team_member_get(team_id=session_team(request).id, user_id=user.id)
    return v1_user(
        user, team_id=session_team(request).id, team_admin=bool(member and member.scheme_admin)
    )


class UpdateUserView(V1View):
    """``POST /users/update`` with the user (by ``id``): the profile fields it carries."""

    @extend_schema(operation_id="v1UpdateUser", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "user")
        user = target_user(request, str(data.get("id") or ""))
        # A 1.x client sends its whole user object: its notification settings go through
        # update_notify, and the fields v1 did not know are left alone.
        changes = profile_changes(
            {key: value for key, value in data.items() if key != "notify_props"}, replace=False
        )
        require_password_for_email_change(
            session_user(request),
            user,
            new_email=data.get("email"),
            password=data.get("password"),
            missing=invalid_body_param("password"),
        )
        user = services.user_patch(user=user, changes=changes)
        return Response(user_in_session_team(request, user))


class UpdateNotifyView(V1View):
    """``POST /users/update_notify``: ``{user_id, email, desktop, desktop_sound, ...}``."""

    @extend_schema(operation_id="v1UpdateUserNotify", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        props = string_map(request)
        user_id = props.pop("user_id", "")
        param_id(user_id, "user_id")
        for name in REQUIRED_NOTIFY_PROPS:
            if not props.get(name):
                raise invalid_param(name)
        user = target_user(request, user_id)
        user = services.user_patch(
            user=user, changes={"notify_props": {**user.notify_props, **props}}
        )
        return Response(user_in_session_team(request, user))


class UpdateActiveView(V1View):
    """``POST /users/update_active``: ``{user_id, active: "true"|"false"}``."""

    @extend_schema(operation_id="v1UpdateActive", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = param_id(body.get("user_id", ""), "user_id")
        active = body.get("active") == "true"
        actor = session_user(request)
        if user_id == actor.id and not active:
            deactivate(request, user_id)
            return Response(user_in_session_team(request, actor))
        if not has_system_permission(actor, "sysconsole_write_user_management_users"):
            raise not_permitted(f"userId={user_id}")
        user = target_user(request, user_id)
        user = services.user_set_active(user=user, active=active)
        return Response(user_in_session_team(request, user))


def session_team_member(request: Request, user: User) -> TeamMember:
    member = team_member_get(team_id=session_team(request).id, user_id=user.id)
    if member is None:
        raise not_permitted(f"userId={user.id}, teamId={session_team(request).id}")
    return member


def system_roles_with(user: User, *, admin: bool) -> str:
    """The user's system roles with ``system_admin`` added or taken away."""
    names = [name for name in user.role_names if name != ROLE_SYSTEM_ADMIN] or [ROLE_SYSTEM_USER]
    return " ".join([ROLE_SYSTEM_ADMIN, *names] if admin else names)


class UpdateRolesView(V1View):
    """``POST /users/update_roles``: ``{user_id, new_roles}`` with 1.x roles: "" (member),
    "admin" (of the session's team) and/or "system_admin"."""

    @extend_schema(operation_id="v1UpdateRoles", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = param_id(body.get("user_id", ""), "user_id")
        roles = set(body.get("new_roles", "").split())
        if not roles <= {TEAM_ADMIN, SYSTEM_ADMIN}:
            raise invalid_param("new_roles")
        actor = session_user(request)
        if SYSTEM_ADMIN in roles and not actor.is_system_admin:
            raise not_permitted("only a system admin makes system admins")
        user = selectors.user_get(user_id)
        if user is None:
            raise AppError("app.user.missing_account.const", "No such user.", 500)
        member = session_team_member(request, user)
        if not has_team_permission(actor, member.team_id, "manage_team_roles"):
            raise not_permitted(f"userId={user_id}")
        if user.is_system_admin and not actor.is_system_admin:
            raise not_permitted("only a system admin changes a system admin's roles")
        if (SYSTEM_ADMIN in roles) != user.is_system_admin:
            user = services.user_set_roles(
                user=user, roles=system_roles_with(user, admin=SYSTEM_ADMIN in roles)
            )
        if (TEAM_ADMIN in roles) != member.scheme_admin:
            team_member_set_scheme_roles(
                member=member,
                scheme_guest=member.scheme_guest,
                scheme_user=member.scheme_user,
                scheme_admin=TEAM_ADMIN in roles,
            )
        return Response(user_in_session_team(request, user))


class NewPasswordView(V1View):
    """``POST /users/newpassword``: ``{user_id, current_password, new_password}``, for
    oneself only. The caller's other sessions end; this one goes on."""

    @extend_schema(operation_id="v1UpdatePassword", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = param_id(body.get("user_id", ""), "user_id")
        current = body.get("current_password", "")
        if not current:
            raise invalid_param("current_password")
        new_password = body.get("new_password", "")
        if len(new_password) < V1_PASSWORD_MIN_LENGTH:
            raise invalid_param("new_password")
        actor = session_user(request)
        if user_id != actor.id:
            raise not_permitted("a password is changed by its owner only")
        if not actor.check_password(current):
            raise AppError(
                "api.user.update_password.incorrect.app_error",
                "The current password is wrong.",
                403,
            )
        services.user_set_password(user=actor, password=new_password, keep=request_session(request))
        return Response({"user_id": actor.id})


class NewImageView(V1View):
    """``POST /users/newimage``: a new profile picture, in the multipart field ``image``."""

    parser_classes = (MultiPartParser,)

    @extend_schema(operation_id="v1UploadProfileImage", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        services.user_set_profile_image(user=session_user(request), upload=uploaded_image(request))
        return Response(True)


urlpatterns: list[URLPattern] = [
    re_path(r"^users/update$", UpdateUserView.as_view(), name="user-update"),
    re_path(r"^users/update_notify$", UpdateNotifyView.as_view(), name="user-update-notify"),
    re_path(r"^users/update_active$", UpdateActiveView.as_view(), name="user-update-active"),
    re_path(r"^users/update_roles$", UpdateRolesView.as_view(), name="user-update-roles"),
    re_path(r"^users/newpassword$", NewPasswordView.as_view(), name="user-new-password"),
    re_path(r"^users/newimage$", NewImageView.as_view(), name="user-new-image"),
]
