"""Incoming webhooks over API v3: ``/teams/{team_id}/hooks/incoming/create``, ``update``,
``delete`` and ``list``. Checks run in 4.10's order; the work is the services' that v4
uses. 4.10's hooks had no ``channel_locked``: a v3 update leaves it as it was."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v3.base import V3View, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, text
from apps.core.api.v3.params import go_map
from apps.core.errors import AppError, permission_denied
from apps.core.views import session_user
from apps.integrations.api.v3 import bodies
from apps.integrations.api.v3.wire import incoming_hook_v3
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
from apps.teams.permissions import has_team_permission

HOOKS = "teams/<v3id:team_id>/hooks/incoming"
# 4.10 listed the first hundred hooks of a team.
LIST_LIMIT = 100


def hook_texts(data: dict[str, Any]) -> dict[str, str]:
    """The hook's own texts from a decoded ``model.IncomingWebhook`` (absent: empty)."""
    return {name: text(data, name) for name in FIELD_LIMITS}


def hook_of(hook_id: str) -> IncomingWebhook:
    """The live hook ``hook_id`` (501 while incoming webhooks are off, as 4.10's lookup)."""
    require_incoming_webhooks_enabled()
    return incoming_webhook_get_or_404(hook_id)


class CreateIncomingHookView(V3View):
    """``POST .../hooks/incoming/create {"channel_id", "display_name", ...}``: the new
    hook, posting into that channel as the caller."""

    @extend_schema(
        operation_id="v3CreateIncomingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = decoded_object(request, "webhook", bodies.INCOMING_HOOK)
        channel = hook_channel_get_or_404(text(data, "channel_id"))
        user = session_user(request)
        require_manage_channel_hooks(user, channel)
        require_incoming_webhooks_enabled()
        hook = incoming_webhook_create(creator=user, channel=channel, **hook_texts(data))
        return Response(incoming_hook_v3(hook))


class UpdateIncomingHookView(V3View):
    """``POST .../hooks/incoming/update`` with the whole hook (its ``id`` names it)."""

    @extend_schema(
        operation_id="v3UpdateIncomingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        data = decoded_object(request, "webhook", bodies.INCOMING_HOOK)
        hook = hook_of(text(data, "id"))
        if hook.team_id != team_id:
            raise AppError(
                "api.webhook.team_mismatch.app_error", "The webhook is not of this team.", 400
            )
        user = session_user(request)
        require_manage_hook(user, hook)
        channel = hook_channel_get_or_404(text(data, "channel_id"))
        require_channel_of_hook_team(hook, channel)
        require_manage_channel_hooks(user, channel)
        hook = incoming_webhook_update(
            hook=hook, channel=channel, channel_locked=hook.channel_locked, **hook_texts(data)
        )
        return Response(incoming_hook_v3(hook))


class DeleteIncomingHookView(V3View):
    """``POST .../hooks/incoming/delete {"id"}``: the request map back, as 4.10 answered."""

    @extend_schema(
        operation_id="v3DeleteIncomingHook",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        hook_id, props = bodies.id_map(request)
        hook = hook_of(hook_id)
        require_manage_hook(session_user(request), hook)
        incoming_webhook_delete(hook=hook)
        return Response(go_map(props))


class IncomingHooksView(V3View):
    """``GET .../hooks/incoming/list``: the team's hooks the caller manages (everyone's
    for those who manage others' hooks), oldest first, at most 100."""

    @extend_schema(operation_id="v3ListIncomingHooks", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        user = session_user(request)
        if not has_team_permission(user, team_id, MANAGE):
            raise permission_denied(user.id, MANAGE)
        require_incoming_webhooks_enabled()
        creator_id = "" if has_team_permission(user, team_id, MANAGE_OTHERS) else user.id
        hooks = incoming_webhooks_live(team_id=team_id, user_id=creator_id)[:LIST_LIMIT]
        return Response([incoming_hook_v3(hook) for hook in hooks])


urlpatterns: list[URLPattern] = [
    path(f"{HOOKS}/create", CreateIncomingHookView.as_view(), name="incoming-hook-create"),
    path(f"{HOOKS}/update", UpdateIncomingHookView.as_view(), name="incoming-hook-update"),
    path(f"{HOOKS}/delete", DeleteIncomingHookView.as_view(), name="incoming-hook-delete"),
    path(f"{HOOKS}/list", IncomingHooksView.as_view(), name="incoming-hooks-list"),
]
