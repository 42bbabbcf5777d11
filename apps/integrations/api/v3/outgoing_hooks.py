"""Outgoing webhooks over API v3: ``/teams/{team_id}/hooks/outgoing/create``, ``update``,
``delete``, ``regen_token`` and ``list``. Checks run in 4.10's order; the work is the
services' that v4 uses. 4.10's hooks had no ``username`` or ``icon_url``: a v3 update
leaves them as they were."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.api.v3.base import V3View, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, text
from apps.core.api.v3.params import go_map
from apps.core.errors import AppError, permission_denied
from apps.core.views import session_user
from apps.integrations.api.v3 import bodies
from apps.integrations.api.v3.wire import outgoing_hook_v3
from apps.integrations.models import CONTENT_TYPE_FORM, TRIGGER_EXACT, OutgoingWebhook
from apps.integrations.permissions import (
    MANAGE_OTHERS_OUTGOING,
    MANAGE_OUTGOING,
    require_manage_outgoing_hook,
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
from apps.teams.permissions import has_team_permission

HOOKS = "teams/<v3id:team_id>/hooks/outgoing"
# 4.10 listed the first hundred hooks of a team.
LIST_LIMIT = 100


def spec_of(data: dict[str, Any], *, username: str = "", icon_url: str = "") -> OutgoingHookSpec:
    """What the owner sets, from a decoded ``model.OutgoingWebhook`` (absent: empty);
    ``username`` and ``icon_url`` are not in 4.10's shape and come from the caller."""
    trigger_when = data.get("trigger_when")
    return OutgoingHookSpec(
        trigger_words=data.get("trigger_words") or [],
        callback_urls=data.get("callback_urls") or [],
        trigger_when=TRIGGER_EXACT if trigger_when is None else trigger_when,
        display_name=text(data, "display_name"),
        description=text(data, "description"),
        content_type=text(data, "content_type") or CONTENT_TYPE_FORM,
        username=username,
        icon_url=icon_url,
    )


def require_manage_team_hooks(user: User, team_id: str) -> None:
    if not has_team_permission(user, team_id, MANAGE_OUTGOING):
        raise permission_denied(user.id, MANAGE_OUTGOING)


def hook_of(hook_id: str) -> OutgoingWebhook:
    """The live hook ``hook_id`` (501 while outgoing webhooks are off, as 4.10's lookup)."""
    require_outgoing_webhooks_enabled()
    return outgoing_webhook_get_or_404(hook_id)


def hook_of_team(user: User, hook_id: str, team_id: str) -> OutgoingWebhook:
    """The hook, which must be of the URL's team (4.10: 403) and managed by the caller."""
    hook = hook_of(hook_id)
    if hook.team_id != team_id:
        raise AppError(
            "api.webhook.team_mismatch.app_error", "The webhook is not of this team.", 403
        )
    require_manage_outgoing_hook(user, hook)
    return hook


class CreateOutgoingHookView(V3View):
    """``POST .../hooks/outgoing/create``: the caller's new hook of the URL's team (the
    body's team and creator are not used, as in 4.10)."""

    @extend_schema(
        operation_id="v3CreateOutgoingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        data = decoded_object(request, "webhook", bodies.OUTGOING_HOOK)
        user = session_user(request)
        require_manage_team_hooks(user, team_id)
        require_outgoing_webhooks_enabled()
        hook = outgoing_webhook_create(
            creator=user, team_id=team_id, channel_id=text(data, "channel_id"), spec=spec_of(data)
        )
        return Response(outgoing_hook_v3(hook))


class UpdateOutgoingHookView(V3View):
    """``POST .../hooks/outgoing/update`` with the whole hook (its ``id`` names it)."""

    @extend_schema(
        operation_id="v3UpdateOutgoingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        data = decoded_object(request, "webhook", bodies.OUTGOING_HOOK)
        hook = hook_of_team(session_user(request), text(data, "id"), team_id)
        spec = spec_of(data, username=hook.username, icon_url=hook.icon_url)
        hook = outgoing_webhook_update(hook=hook, channel_id=text(data, "channel_id"), spec=spec)
        return Response(outgoing_hook_v3(hook))


class RegenOutgoingHookTokenView(V3View):
    """``POST .../hooks/outgoing/regen_token {"id"}``: the hook with a new token."""

    @extend_schema(
        operation_id="v3RegenOutgoingHookToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        hook_id, _ = bodies.id_map(request)
        hook = hook_of_team(session_user(request), hook_id, team_id)
        return Response(outgoing_hook_v3(outgoing_webhook_regenerate_token(hook=hook)))


class DeleteOutgoingHookView(V3View):
    """``POST .../hooks/outgoing/delete {"id"}``: the request map back, as 4.10 answered."""

    @extend_schema(
        operation_id="v3DeleteOutgoingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        hook_id, props = bodies.id_map(request)
        user = session_user(request)
        require_manage_team_hooks(user, team_id)
        hook = hook_of(hook_id)
        require_manage_outgoing_hook(user, hook)
        outgoing_webhook_delete(hook=hook)
        return Response(go_map(props))


class OutgoingHooksView(V3View):
    """``GET .../hooks/outgoing/list``: the team's hooks the caller manages (everyone's
    for those who manage others' hooks), oldest first, at most 100."""

    @extend_schema(operation_id="v3ListOutgoingHooks", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        user = session_user(request)
        require_manage_team_hooks(user, team_id)
        require_outgoing_webhooks_enabled()
        creator_id = "" if has_team_permission(user, team_id, MANAGE_OTHERS_OUTGOING) else user.id
        hooks = outgoing_webhooks_live(team_id=team_id, user_id=creator_id)[:LIST_LIMIT]
        return Response([outgoing_hook_v3(hook) for hook in hooks])


urlpatterns: list[URLPattern] = [
    path(f"{HOOKS}/create", CreateOutgoingHookView.as_view(), name="outgoing-hook-create"),
    path(f"{HOOKS}/update", UpdateOutgoingHookView.as_view(), name="outgoing-hook-update"),
    path(
        f"{HOOKS}/regen_token",
        RegenOutgoingHookTokenView.as_view(),
        name="outgoing-hook-regen-token",
    ),
    path(f"{HOOKS}/delete", DeleteOutgoingHookView.as_view(), name="outgoing-hook-delete"),
    path(f"{HOOKS}/list", OutgoingHooksView.as_view(), name="outgoing-hooks-list"),
]
