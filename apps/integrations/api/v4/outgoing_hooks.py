"""Outgoing webhooks over API v4: ``/hooks/outgoing``, ``/hooks/outgoing/{hook_id}`` and
``/hooks/outgoing/{hook_id}/regen_token``. The checks run in Mattermost's order, so the
same request gets the same error here as there."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.channels.permissions import has_channel_permission
from apps.core.body import body_object, optional_int, optional_str, optional_str_list
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.pagination import page_from
from apps.core.roles import roles_grant
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id
from apps.integrations.models import CONTENT_TYPE_FORM, TRIGGER_EXACT, OutgoingWebhook
from apps.integrations.permissions import (
    MANAGE_OTHERS_OUTGOING,
    MANAGE_OUTGOING,
    require_manage_outgoing_hook,
    require_manage_outgoing_hooks,
    require_outgoing_webhooks_enabled,
)
from apps.integrations.selectors import outgoing_webhook_get_or_404, outgoing_webhooks_live
from apps.integrations.services import (
    OutgoingHookSpec,
    outgoing_webhook_create,
    outgoing_webhook_delete,
    outgoing_webhook_regenerate_token,
    outgoing_webhook_update,
)
from apps.integrations.wire import outgoing_webhook_fields
from apps.teams.permissions import has_team_permission

BODY = "outgoing_webhook"


def spec_from_body(data: dict[str, Any]) -> OutgoingHookSpec:
    """The settable fields of a hook body; a field of the wrong type is a 400 naming it.
    An absent field reads as empty (PUT replaces the whole hook, as in Mattermost)."""
    trigger_when = optional_int(data, "trigger_when")
    return OutgoingHookSpec(
        trigger_words=optional_str_list(data, "trigger_words") or [],
        callback_urls=optional_str_list(data, "callback_urls") or [],
        trigger_when=TRIGGER_EXACT if trigger_when is None else trigger_when,
        display_name=optional_str(data, "display_name") or "",
        description=optional_str(data, "description") or "",
        content_type=optional_str(data, "content_type") or CONTENT_TYPE_FORM,
        username=optional_str(data, "username") or "",
        icon_url=optional_str(data, "icon_url") or "",
    )


def body_creator(caller: User, team_id: str, creator_id: str) -> User:
    """The hook's owner: the caller, or (for those who manage others' hooks) the user
    the body names."""
    if not creator_id or creator_id == caller.id:
        return caller
    if not has_team_permission(caller, team_id, MANAGE_OTHERS_OUTGOING):
        raise permission_denied(caller.id, MANAGE_OTHERS_OUTGOING)
    creator = user_get(creator_id) if is_valid_id(creator_id) else None
    if creator is None:
        raise AppError("app.user.missing_account.const", "There is no user with that id.", 404)
    return creator


def managed_hook(user: User, hook_id: str) -> OutgoingWebhook:
    """The live hook ``hook_id`` once the caller may manage it (the feature on first)."""
    hook_id = url_id(hook_id, "hook_id")
    require_outgoing_webhooks_enabled()
    hook = outgoing_webhook_get_or_404(hook_id)
    require_manage_outgoing_hook(user, hook)
    return hook


def listing_filter(user: User, request: Request) -> dict[str, str]:
    """Which hooks a list shows: a channel's, a team's or all, of every creator for
    those who manage others' hooks there, else of the caller only."""
    channel_id = request.query_params.get("channel_id", "")
    team_id = request.query_params.get("team_id", "")

    def may(permission: str) -> bool:
        if channel_id:
            return has_channel_permission(user, channel_id, permission)
        if team_id:
            return has_team_permission(user, team_id, permission)
        return roles_grant(user.role_names, permission)

    if channel_id:
        channel_id = url_id(channel_id, "channel_id")
    elif team_id:
        team_id = url_id(team_id, "team_id")
    if not may(MANAGE_OUTGOING):
        raise permission_denied(user.id, MANAGE_OUTGOING)
    creator_id = "" if may(MANAGE_OTHERS_OUTGOING) else user.id
    if channel_id:
        return {"channel_id": channel_id, "user_id": creator_id}
    return {"team_id": team_id, "user_id": creator_id}


class OutgoingHooksView(MattermostView):
    """``POST /hooks/outgoing`` creates a hook; ``GET`` lists those the caller manages."""

    @extend_schema(
        operation_id="CreateOutgoingWebhook",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, BODY)
        spec = spec_from_body(data)
        team_id = optional_str(data, "team_id") or ""
        channel_id = optional_str(data, "channel_id") or ""
        creator_id = optional_str(data, "creator_id") or ""
        user = session_user(request)
        require_manage_outgoing_hooks(user, team_id)
        creator = body_creator(user, team_id, creator_id)
        require_outgoing_webhooks_enabled()
        hook = outgoing_webhook_create(
            creator=creator, team_id=team_id, channel_id=channel_id, spec=spec
        )
        return Response(outgoing_webhook_fields(hook), status=201)

    @extend_schema(operation_id="GetOutgoingWebhooks", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        user = session_user(request)
        which = listing_filter(user, request)
        require_outgoing_webhooks_enabled()
        hooks = page_from(request).of(outgoing_webhooks_live(**which))
        return Response([outgoing_webhook_fields(hook) for hook in hooks])


class OutgoingHookView(MattermostView):
    """``GET``, ``PUT`` and ``DELETE /hooks/outgoing/{hook_id}``."""

    @extend_schema(operation_id="GetOutgoingWebhook", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, hook_id: str) -> Response:
        hook = managed_hook(session_user(request), hook_id)
        return Response(outgoing_webhook_fields(hook))

    @extend_schema(
        operation_id="UpdateOutgoingWebhook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, hook_id: str) -> Response:
        hook_id = url_id(hook_id, "hook_id")
        data = body_object(request, BODY)
        body_id = optional_str(data, "id")
        if body_id is not None and body_id != hook_id:
            raise invalid_body_param("hook_id")
        spec = spec_from_body(data)
        channel_id = optional_str(data, "channel_id") or ""
        team_id = optional_str(data, "team_id") or ""
        user = session_user(request)
        require_outgoing_webhooks_enabled()
        hook = outgoing_webhook_get_or_404(hook_id)
        if team_id and team_id != hook.team_id:
            raise AppError(
                "api.webhook.team_mismatch.app_error", "A webhook cannot move to another team.", 400
            )
        require_manage_outgoing_hook(user, hook)
        hook = outgoing_webhook_update(hook=hook, channel_id=channel_id, spec=spec)
        return Response(outgoing_webhook_fields(hook))

    @extend_schema(operation_id="DeleteOutgoingWebhook", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, hook_id: str) -> Response:
        hook = managed_hook(session_user(request), hook_id)
        outgoing_webhook_delete(hook=hook)
        return Response(STATUS_OK)


class OutgoingHookTokenView(MattermostView):
    """``POST /hooks/outgoing/{hook_id}/regen_token``: a new token, the hook in answer."""

    @extend_schema(
        operation_id="RegenOutgoingHookToken",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, hook_id: str) -> Response:
        hook = managed_hook(session_user(request), hook_id)
        hook = outgoing_webhook_regenerate_token(hook=hook)
        return Response(outgoing_webhook_fields(hook))


urlpatterns: list[URLPattern] = [
    path("hooks/outgoing", OutgoingHooksView.as_view(), name="outgoing-hooks"),
    path("hooks/outgoing/<str:hook_id>", OutgoingHookView.as_view(), name="outgoing-hook"),
    path(
        "hooks/outgoing/<str:hook_id>/regen_token",
        OutgoingHookTokenView.as_view(),
        name="outgoing-hook-regen-token",
    ),
]
