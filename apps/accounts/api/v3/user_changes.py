"""API v3: changing users — the profile, notification settings, activation, password,
system roles and profile picture."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import ImageView, profile_image_response, uploaded_image
from apps.accounts.api.v3.bodies import user_body
from apps.accounts.api.v3.profiles import missing_user
from apps.accounts.api.v3.wire import user_json
from apps.accounts.models import User
from apps.accounts.permissions import (
    has_system_permission,
    require_may_deactivate,
    require_password_for_email_change,
    require_self_or_permission,
    require_system_permission,
    require_user_editable,
)
from apps.accounts.validators import clean_system_roles
from apps.core.api.v3.base import V3TrustedView, V3View, invalid_param, string_map
from apps.core.api.v3.errors import USER_TAKEN, legacy_error_ids
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.views import request_session, session_user, url_id

# Text fields that an empty value leaves unchanged (they cannot be blank).
REQUIRED_TEXT = ("username", "email", "locale")
# Notification settings a v3 client must always send.
REQUIRED_NOTIFY_PROPS = ("email", "desktop_sound", "desktop", "comments")


def editable_user(request: Request, user_id: str) -> tuple[User, User]:
    """(caller, user) when the caller may edit that user: themselves, or anyone with
    ``edit_other_users`` (and only system managers may edit a system admin)."""
    actor = session_user(request)
    require_self_or_permission(actor, user_id, "edit_other_users")
    user = actor if user_id == actor.id else None
    if user is None and is_valid_id(user_id):
        user = selectors.user_get(user_id)
    if user is None:
        raise missing_user()
    require_user_editable(actor, user)
    return actor, user


def profile_changes(user: User, body: dict[str, Any]) -> dict[str, Any]:
    """The profile fields a full user object sets. Fields left out stay as they are, and
    the notification settings sent are merged into the stored ones (v3 answers leave out
    the settings later versions added, so a v3 client never sends those back)."""
    changes: dict[str, Any] = {}
    for name in services.EDITABLE_TEXT:
        value = body.get(name)
        if value is not None and (value or name not in REQUIRED_TEXT):
            changes[name] = value
    for name in services.EDITABLE_MAPS:
        if body.get(name) is not None:
            changes[name] = body[name]
    if "notify_props" in changes:
        changes["notify_props"] = {**user.notify_props, **changes["notify_props"]}
    return changes


class UserUpdateView(V3View):
    """The user object (with its ``id``) as the client now wants it. Roles, password,
    activation and the like are not changed here."""

    @extend_schema(
        operation_id="v3UpdateUser",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = user_body(request)
        actor, user = editable_user(request, body.get("id") or "")
        require_password_for_email_change(
            actor,
            user,
            new_email=body.get("email"),
            password=body.get("password"),
            missing=invalid_param("password"),
        )
        with legacy_error_ids(USER_TAKEN):
            user = services.user_patch(user=user, changes=profile_changes(user, body))
        return Response(user_json(user))


class UserActiveView(V3View):
    """``{user_id, active: "true"|"false"}``: users may deactivate themselves (where the
    setting allows); anything else needs the right to manage the system."""

    @extend_schema(
        operation_id="v3UpdateUserActive",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = body.get("user_id", "")
        if not is_valid_id(user_id):
            raise invalid_param("user_id")
        active = body.get("active") == "true"
        actor = session_user(request)
        deactivating_self = not active and user_id == actor.id
        if not deactivating_self and not has_system_permission(actor, "manage_system"):
            raise AppError(
                "api.user.update_active.permissions.app_error",
                "Only system admins may change whether an account is active.",
                403,
            )
        user = actor if user_id == actor.id else selectors.user_get(user_id)
        if user is None:
            raise missing_user()
        if not active:
            require_may_deactivate(actor, user)
        user = services.user_set_active(user=user, active=active)
        return Response(user_json(user))


class UserNotifyView(V3View):
    """``{user_id, email, desktop, desktop_sound, comments, ...}`` (all strings): the
    user's notification settings. Settings not sent (such as those only v4 clients know)
    keep their values."""

    @extend_schema(
        operation_id="v3UpdateUserNotify",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        props = string_map(request)
        user_id = props.pop("user_id", "")
        if not is_valid_id(user_id):
            raise invalid_param("user_id")
        _, user = editable_user(request, user_id)
        for name in REQUIRED_NOTIFY_PROPS:
            if not props.get(name):
                raise invalid_param(name)
        notify_props = {**user.notify_props, **props}
        user = services.user_patch(user=user, changes={"notify_props": notify_props})
        data = user_json(user)
        data.pop("last_password_update", None)  # as v3 answered this route
        return Response(data)


class NewPasswordView(V3View):
    """``{user_id, current_password, new_password}``: users change their own password.
    Their other sessions end."""

    @extend_schema(
        operation_id="v3UpdatePassword",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        user_id = body.get("user_id", "")
        if not is_valid_id(user_id):
            raise invalid_param("user_id")
        current = body.get("current_password", "")
        if not current:
            raise invalid_param("current_password")
        actor = session_user(request)
        if user_id != actor.id:
            raise AppError(
                "api.user.update_password.context.app_error",
                "Users may only change their own password here.",
                403,
            )
        services.user_change_own_password(
            user=actor,
            current_password=current,
            new_password=body.get("new_password", ""),
            keep=request_session(request),
        )
        return Response({"user_id": actor.id})


class UserRolesView(V3View):
    """``{new_roles}``: a user's system roles, set by those who manage roles."""

    @extend_schema(
        operation_id="v3UpdateUserRoles",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_id(user_id, "user_id")
        roles = clean_system_roles(string_map(request).get("new_roles"))
        if roles is None:
            raise invalid_param("new_roles")
        require_system_permission(session_user(request), "manage_roles")
        user = selectors.user_get(user_id)
        if user is None:
            raise missing_user()
        services.user_set_roles(user=user, roles=roles)
        return Response({"status": "ok"})


class NewImageView(V3View):
    """The caller's new profile picture, in the ``image`` field of a multipart form.
    Answers a bare ``true``."""

    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="v3UploadProfileImage",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "binary"}},
            }
        },
        responses={200: OpenApiTypes.BOOL},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        services.user_set_profile_image(user=actor, upload=uploaded_image(request))
        return Response(True)


class ProfileImageView(V3TrustedView, ImageView):
    """A user's picture (the generated one if they have none); pages load it with
    ``<img src>``, so the session cookie counts without the script header."""

    @extend_schema(
        operation_id="v3GetProfileImage",
        responses={(200, "image/png"): OpenApiTypes.BINARY, 304: None},
    )
    def get(self, request: Request, user_id: str) -> HttpResponse:
        user_id = url_id(user_id, "user_id")
        viewer = session_user(request)
        if user_id != viewer.id:
            require_system_permission(viewer, "view_members")
        user = viewer if user_id == viewer.id else selectors.user_get(user_id)
        if user is None:
            raise missing_user()
        return profile_image_response(request, user)
