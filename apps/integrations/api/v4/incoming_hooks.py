"""Incoming webhooks over API v4: ``/hooks/incoming`` and ``/hooks/incoming/{hook_id}``."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.body import body_object, optional_bool, optional_str
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.pagination import page_from
from apps.core.roles import roles_grant
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id
from apps.integrations.models import IncomingWebhook
from apps.integrations.permissions import (
    MANAGE,
    MANAGE_OTHERS,
    require_incoming_webhooks_enabled,
    require_manage_channel_hooks,
    require_manage_hook,
)
from apps.integrations.selectors import (
    hook_channel_get_or_404,
    incoming_webhook_get_or_404,
    incoming_webhooks_live,
)
from apps.integrations.services import (
    FIELD_LIMITS,
    incoming_webhook_create,
    incoming_webhook_delete,
    incoming_webhook_update,
    require_channel_of_hook_team,
)
from apps.integrations.wire import incoming_webhook_fields
from apps.teams.permissions import has_team_permission

BODY = "incoming_webhook"


def hook_fields_from_body(data: dict[str, Any]) -> dict[str, Any]:
    """The hook's own texts and ``channel_locked`` from a request body (absent: empty)."""
    fields: dict[str, Any] = {name: optional_str(data, name) or "" for name in FIELD_LIMITS}
    fields["channel_locked"] = bool(optional_bool(data, "channel_locked"))
    return fields


def body_channel(data: dict[str, Any]) -> Channel:
    return hook_channel_get_or_404(optional_str(data, "channel_id") or "")


def managed_hook(user: User, hook_id: str) -> IncomingWebhook:
    hook = incoming_webhook_get_or_404(url_id(hook_id, "hook_id"))
    require_manage_hook(user, hook)
    return hook


class IncomingHooksView(MattermostView):
    """``POST /hooks/incoming`` creates a hook; ``GET`` lists those the caller manages."""

    @extend_schema(
        operation_id="CreateIncomingWebhook",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        require_incoming_webhooks_enabled()
        data = body_object(request, BODY)
        fields = hook_fields_from_body(data)
        channel = body_channel(data)
        user = session_user(request)
        require_manage_channel_hooks(user, channel)
        hook = incoming_webhook_create(creator=user, channel=channel, **fields)
        return Response(incoming_webhook_fields(hook), status=201)

    @extend_schema(operation_id="GetIncomingWebhooks", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require_incoming_webhooks_enabled()
        user = session_user(request)
        team_id = request.query_params.get("team_id", "")
        if team_id:
            team_id = url_id(team_id, "team_id")

        def may(permission: str) -> bool:
            if team_id:
                return has_team_permission(user, team_id, permission)
            return roles_grant(user.role_names, permission)

        if not may(MANAGE):
            raise permission_denied(user.id, MANAGE)
        # Those who manage others' hooks see them all; the rest see their own.
        creator_id = "" if may(MANAGE_OTHERS) else user.id
        hooks = page_from(request).of(incoming_webhooks_live(team_id=team_id, user_id=creator_id))
        return Response([incoming_webhook_fields(hook) for hook in hooks])


class IncomingHookView(MattermostView):
    """``GET``, ``PUT`` and ``DELETE /hooks/incoming/{hook_id}``."""

    @extend_schema(operation_id="GetIncomingWebhook", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, hook_id: str) -> Response:
        require_incoming_webhooks_enabled()
        hook = managed_hook(session_user(request), hook_id)
        return Response(incoming_webhook_fields(hook))

    @extend_schema(
        operation_id="UpdateIncomingWebhook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, hook_id: str) -> Response:
        require_incoming_webhooks_enabled()
        data = body_object(request, BODY)
        body_id = optional_str(data, "id")
        if body_id is not None and body_id != hook_id:
            raise invalid_body_param("hook_id")
        fields = hook_fields_from_body(data)
        user = session_user(request)
        hook = managed_hook(user, hook_id)
        team_id = optional_str(data, "team_id")
        if team_id and team_id != hook.team_id:
            raise AppError(
                "api.webhook.team_mismatch.app_error",
                "A webhook cannot move to another team.",
                400,
            )
        channel = body_channel(data)
        require_channel_of_hook_team(hook, channel)
        require_manage_channel_hooks(user, channel)
        hook = incoming_webhook_update(hook=hook, channel=channel, **fields)
        return Response(incoming_webhook_fields(hook))

    @extend_schema(operation_id="DeleteIncomingWebhook", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, hook_id: str) -> Response:
        require_incoming_webhooks_enabled()
        hook = managed_hook(session_user(request), hook_id)
        incoming_webhook_delete(hook=hook)
        return Response(STATUS_OK)


urlpatterns: list[URLPattern] = [
    path("hooks/incoming", IncomingHooksView.as_view(), name="incoming-hooks"),
    path("hooks/incoming/<str:hook_id>", IncomingHookView.as_view(), name="incoming-hook"),
]
