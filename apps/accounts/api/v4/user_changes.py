"""Changing users: patch and update, activation, roles and passwords."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.v4.serializers import user_for_viewer
from apps.accounts.models import User
from apps.accounts.permissions import (
    has_system_permission,
    require_may_deactivate,
    require_password_for_email_change,
    require_self_or_permission,
    require_user_editable,
)
from apps.accounts.validators import clean_system_roles
from apps.core.body import body_object
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.views import STATUS_OK, MattermostView, request_session, session_user, url_user_id


def missing_user() -> AppError:
    return AppError("app.user.missing_account.const", "No such user.", 404)


def target_user(request: Request, raw_user_id: str) -> tuple[User, User]:
    """(caller, the user named in the URL) when the caller may edit that user: themselves,
    or anyone with ``edit_other_users``; only admins may edit an admin."""
    actor = session_user(request)
    user_id = url_user_id(request, raw_user_id)
    require_self_or_permission(actor, user_id, "edit_other_users")
    user = actor if user_id == actor.id else selectors.user_get(user_id)
    if user is None:
        raise missing_user()
    require_user_editable(actor, user)
    return actor, user


def profile_changes(data: dict[str, Any], *, replace: bool) -> dict[str, Any]:
    """The editable fields of a patch (only those present) or of a full update (all of
    them; absent text fields become empty, as a PUT replaces the record)."""
    changes: dict[str, Any] = {}
    for name in services.EDITABLE_TEXT:
        if name in data or (replace and name not in ("username", "email", "locale")):
            value = data.get(name, "")
            if not isinstance(value, str):
                raise invalid_body_param(name)
            changes[name] = value
    for name in services.EDITABLE_MAPS:
        if name in data:
            if not isinstance(data[name], dict):
                raise invalid_body_param(name)
            changes[name] = data[name]
    return changes


def _changes_email(user: User, new_email: object) -> bool:
    return isinstance(new_email, str) and new_email.strip().lower() != user.email


def apply_changes(request: Request, raw_user_id: str, *, replace: bool) -> Response:
    actor, user = target_user(request, raw_user_id)
    data = body_object(request, "user")
    if replace and data.get("id") != user.id:
        raise invalid_body_param("user_id")
    changes = profile_changes(data, replace=replace)
    session = request_session(request)
    if session is not None and session.is_oauth and _changes_email(user, data.get("email")):
        # An OAuth app may not move an account to an address it controls, as in Mattermost.
        raise permission_denied(actor.id, "edit_other_users")
    require_password_for_email_change(
        actor,
        user,
        new_email=data.get("email"),
        password=data.get("password"),
        missing=invalid_body_param("password"),
    )
    user = services.user_patch(user=user, changes=changes)
    return Response(user_for_viewer(user, actor))


def deactivate(request: Request, raw_user_id: str) -> Response:
    actor, user = target_user(request, raw_user_id)
    require_may_deactivate(actor, user)
    services.user_set_active(user=user, active=False)
    return Response(STATUS_OK)


class UserPatchView(MattermostView):
    @extend_schema(operation_id="PatchUser", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, user_id: str) -> Response:
        return apply_changes(request, user_id, replace=False)


class UserActiveView(MattermostView):
    @extend_schema(operation_id="UpdateUserActive", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, user_id: str) -> Response:
        actor = session_user(request)
        target_id = url_user_id(request, user_id)
        active = body_object(request, "active").get("active")
        if not isinstance(active, bool):
            raise invalid_body_param("active")
        if not active and target_id == actor.id:
            return deactivate(request, user_id)
        if not has_system_permission(actor, "sysconsole_write_user_management_users"):
            raise AppError(
                "api.user.update_active.permissions.app_error",
                "Only system admins may change whether another account is active.",
                403,
            )
        user = selectors.user_get(target_id)
        if user is None:
            raise missing_user()
        services.user_set_active(user=user, active=active)
        return Response(STATUS_OK)


class UserRolesView(MattermostView):
    @extend_schema(operation_id="UpdateUserRoles", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, user_id: str) -> Response:
        actor = session_user(request)
        target_id = url_user_id(request, user_id)
        roles = clean_system_roles(body_object(request, "roles").get("roles"))
        if roles is None:
            raise invalid_body_param("roles")
        if not has_system_permission(actor, "manage_roles"):
            raise permission_denied(actor.id, "manage_roles")
        user = selectors.user_get(target_id)
        if user is None:
            raise missing_user()
        services.user_set_roles(user=user, roles=roles)
        return Response(STATUS_OK)


class UserPasswordView(MattermostView):
    @extend_schema(operation_id="UpdateUserPassword", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, user_id: str) -> Response:
        actor = session_user(request)
        target_id = url_user_id(request, user_id)
        data = body_object(request, "password")
        new_password = data.get("new_password")
        if not isinstance(new_password, str):
            raise invalid_body_param("new_password")
        if target_id == actor.id:
            current = data.get("current_password")
            if not isinstance(current, str) or not current:
                raise invalid_body_param("current_password")
            services.user_change_own_password(
                user=actor,
                current_password=current,
                new_password=new_password,
                keep=request_session(request),
            )
            return Response(STATUS_OK)
        user = selectors.user_get(target_id)
        needed = (
            "manage_system"
            if user is not None and user.is_system_admin
            else ("sysconsole_write_user_management_users")
        )
        if not has_system_permission(actor, needed):
            raise AppError(
                "api.user.update_password.context.app_error",
                "You may not change this user's password.",
                403,
            )
        if user is None:
            raise missing_user()
        services.user_set_password(user=user, password=new_password)
        return Response(STATUS_OK)


urlpatterns = [
    path("users/<str:user_id>/patch", UserPatchView.as_view(), name="user-patch"),
    path("users/<str:user_id>/active", UserActiveView.as_view(), name="user-active"),
    path("users/<str:user_id>/roles", UserRolesView.as_view(), name="user-roles"),
    path("users/<str:user_id>/password", UserPasswordView.as_view(), name="user-password"),
]
