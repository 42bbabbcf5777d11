"""API v4: a user's login sessions and personal access tokens.

Checks run in Mattermost's order, because the order decides which error a client sees:
ids in the URL, then the body, then permissions, then the lookups.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.v4.serializers import access_token_json, session_json
from apps.accounts.api.v4.views import missing_user, string_map
from apps.accounts.models import User, UserAccessToken
from apps.accounts.permissions import (
    has_system_permission,
    require_self_or_permission,
    require_system_permission,
    require_user_or_bot_access,
)
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.views import (
    STATUS_OK,
    MattermostView,
    request_session,
    session_user,
    url_id,
    url_user_id,
)

EDIT_OTHER_USERS = "edit_other_users"
MANAGE_SYSTEM = "manage_system"
CREATE_TOKEN = "create_user_access_token"
READ_TOKEN = "read_user_access_token"
REVOKE_TOKEN = "revoke_user_access_token"

# The fields of Mattermost's access-token body and their JSON types: a value of another
# type fails the whole body, as Go's decoder does.
TOKEN_BODY_FIELDS: dict[str, type] = {
    "id": str,
    "token": str,
    "user_id": str,
    "description": str,
    "is_active": bool,
}
# Strict semantic versions (semver.org): no "v" prefix, no leading zeros, all three numbers.
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
SEMVER = re.compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*)?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)


def missing_access_token() -> AppError:
    return AppError(
        "app.user_access_token.get_by_user.app_error", "No personal access token has that id.", 404
    )


def _object_body(data: Any, name: str, fields: dict[str, type]) -> dict[str, Any]:
    """A body decoded the way Go decodes JSON into a struct: null is an empty object, and a
    non-object body or a known field of the wrong type is a 400 naming the whole body."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise invalid_body_param(name)
    for field, kind in fields.items():
        value = data.get(field)
        if value is not None and not isinstance(value, kind):
            raise invalid_body_param(name)
    return data


# Sessions


class UserSessionsView(MattermostView):
    @extend_schema(operation_id="GetSessions", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        require_self_or_permission(session_user(request), user_id, EDIT_OTHER_USERS)
        return Response([session_json(s) for s in selectors.sessions_of_user(user_id)])


class UserSessionRevokeView(MattermostView):
    @extend_schema(
        operation_id="RevokeSession",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        require_self_or_permission(session_user(request), user_id, EDIT_OTHER_USERS)
        session_id = string_map(request.data).get("session_id", "")
        if not session_id:
            raise invalid_body_param("session_id")
        services.session_revoke_of_user(user_id=user_id, session_id=session_id)
        return Response(STATUS_OK)


class UserSessionsRevokeAllView(MattermostView):
    @extend_schema(
        operation_id="RevokeAllSessions", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        require_self_or_permission(session_user(request), user_id, EDIT_OTHER_USERS)
        services.sessions_revoke_for_user(user_id=user_id)
        return Response(STATUS_OK)


class AllSessionsRevokeView(MattermostView):
    @extend_schema(
        operation_id="RevokeSessionsFromAllUsers",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        require_system_permission(session_user(request), MANAGE_SYSTEM)
        services.sessions_revoke_everyone()
        return Response(STATUS_OK)


class SessionDeviceView(MattermostView):
    """Attaches the caller's mobile device id and device facts to the current session."""

    @extend_schema(
        operation_id="AttachDeviceExtraProps",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request) -> Response:
        body = string_map(request.data)
        props: dict[str, str] = {}
        notifications_disabled = body.get("device_notification_disabled", "")
        if notifications_disabled:
            if notifications_disabled not in ("true", "false"):
                raise invalid_body_param("device_notification_disabled")
            props["device_notification_disabled"] = notifications_disabled
        mobile_version = body.get("mobile_version", "")
        if mobile_version:
            if not SEMVER.fullmatch(mobile_version):
                raise invalid_body_param("mobile_version")
            props["mobile_version"] = mobile_version
        device_id = body.get("device_id", "")
        if len(device_id) > services.MAX_DEVICE_ID_LENGTH:
            raise invalid_body_param("device_id")
        session = request_session(request)
        assert session is not None
        services.session_attach_device(session=session, device_id=device_id, props=props)
        return Response(STATUS_OK)


# Personal access tokens


def _token_of_reachable_user(actor: User, token_id: str) -> UserAccessToken:
    access_token = selectors.access_token_get(token_id)
    if access_token is None:
        raise missing_access_token()
    require_self_or_permission(actor, access_token.user_id, EDIT_OTHER_USERS)
    return access_token


class UserTokensView(MattermostView):
    @extend_schema(
        operation_id="CreateUserAccessToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        target = selectors.user_get(user_id)
        if target is None:
            raise missing_user()
        actor = session_user(request)
        session = request_session(request)
        if session is not None and session.is_oauth:
            # An OAuth app must not mint itself a token that outlives its grant.
            raise permission_denied(actor.id, CREATE_TOKEN)
        body = _object_body(request.data, "user_access_token", TOKEN_BODY_FIELDS)
        description = body.get("description") or ""
        if not description:
            raise invalid_body_param("description")
        require_system_permission(actor, CREATE_TOKEN)
        require_user_or_bot_access(actor, target)
        if target.is_system_admin and not has_system_permission(actor, MANAGE_SYSTEM):
            raise permission_denied(actor.id, MANAGE_SYSTEM)
        access_token, token = services.access_token_create(user=target, description=description)
        return Response(access_token_json(access_token, token))

    @extend_schema(operation_id="GetUserAccessTokensForUser", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_system_permission(actor, READ_TOKEN)
        require_self_or_permission(actor, user_id, EDIT_OTHER_USERS)
        tokens = page_from(request).of(selectors.access_tokens_of_user(user_id))
        return Response([access_token_json(t) for t in tokens])


class TokensView(MattermostView):
    @extend_schema(operation_id="GetUserAccessTokens", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require_system_permission(session_user(request), MANAGE_SYSTEM)
        tokens = page_from(request).of(selectors.access_tokens_all())
        return Response([access_token_json(t) for t in tokens])


class TokenSearchView(MattermostView):
    @extend_schema(
        operation_id="SearchUserAccessTokens",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        require_system_permission(session_user(request), MANAGE_SYSTEM)
        body = _object_body(request.data, "user_access_token_search", {"term": str})
        term = body.get("term") or ""
        if not term:
            raise invalid_body_param("term")
        return Response([access_token_json(t) for t in selectors.access_tokens_search(term)])


class TokenView(MattermostView):
    @extend_schema(operation_id="GetUserAccessToken", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, token_id: str) -> Response:
        token_id = url_id(token_id, "token_id")
        actor = session_user(request)
        require_system_permission(actor, READ_TOKEN)
        return Response(access_token_json(_token_of_reachable_user(actor, token_id)))


def _change_token(request: Request, permission: str, change: Callable[..., None]) -> Response:
    """Revoke, disable or enable the token named by the body's ``token_id``."""
    token_id = string_map(request.data).get("token_id", "")
    if not is_valid_id(token_id):
        raise invalid_body_param("token_id")
    actor = session_user(request)
    require_system_permission(actor, permission)
    change(access_token=_token_of_reachable_user(actor, token_id))
    return Response(STATUS_OK)


class TokenRevokeView(MattermostView):
    @extend_schema(
        operation_id="RevokeUserAccessToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        return _change_token(request, REVOKE_TOKEN, services.access_token_revoke)


class TokenDisableView(MattermostView):
    @extend_schema(
        operation_id="DisableUserAccessToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        # Mattermost has no separate permission for disabling: revoking covers it.
        return _change_token(request, REVOKE_TOKEN, services.access_token_disable)


class TokenEnableView(MattermostView):
    @extend_schema(
        operation_id="EnableUserAccessToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        # Enabling makes a token usable again, so it needs the right to create one.
        return _change_token(request, CREATE_TOKEN, services.access_token_enable)


# Fixed paths first: "users/tokens" must not be taken for a user id, and
# "users/tokens/search" not for a token id.
urlpatterns = [
    path(
        "users/sessions/revoke/all",
        AllSessionsRevokeView.as_view(),
        name="sessions-revoke-everyone",
    ),
    path("users/sessions/device", SessionDeviceView.as_view(), name="session-device"),
    path("users/tokens", TokensView.as_view(), name="tokens"),
    path("users/tokens/search", TokenSearchView.as_view(), name="tokens-search"),
    path("users/tokens/revoke", TokenRevokeView.as_view(), name="token-revoke"),
    path("users/tokens/disable", TokenDisableView.as_view(), name="token-disable"),
    path("users/tokens/enable", TokenEnableView.as_view(), name="token-enable"),
    path("users/tokens/<str:token_id>", TokenView.as_view(), name="token"),
    path("users/<str:user_id>/sessions", UserSessionsView.as_view(), name="user-sessions"),
    path(
        "users/<str:user_id>/sessions/revoke",
        UserSessionRevokeView.as_view(),
        name="user-session-revoke",
    ),
    path(
        "users/<str:user_id>/sessions/revoke/all",
        UserSessionsRevokeAllView.as_view(),
        name="user-sessions-revoke-all",
    ),
    path("users/<str:user_id>/tokens", UserTokensView.as_view(), name="user-tokens"),
]
