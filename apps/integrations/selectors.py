"""Reads of incoming webhooks."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.integrations.models import IncomingWebhook


def incoming_webhook_get(hook_id: str) -> IncomingWebhook | None:
    """A live (not deleted) webhook with its channel, or None."""
    return (
        IncomingWebhook.objects.select_related("channel", "user")
        .filter(pk=hook_id, delete_at=0)
        .first()
    )


def incoming_webhooks_live(*, team_id: str = "", user_id: str = "") -> QuerySet[IncomingWebhook]:
    """Live webhooks, oldest first; of one team and one creator when given."""
    hooks = IncomingWebhook.objects.filter(delete_at=0).order_by("create_at", "id")
    if team_id:
        hooks = hooks.filter(team_id=team_id)
    if user_id:
        hooks = hooks.filter(user_id=user_id)
    return hooks
