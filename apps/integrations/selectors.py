"""Reads of incoming and outgoing webhooks."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.integrations.models import IncomingWebhook, OutgoingWebhook


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


def outgoing_webhook_get(hook_id: str) -> OutgoingWebhook | None:
    """A live (not deleted) outgoing webhook, or None."""
    return OutgoingWebhook.objects.filter(pk=hook_id, delete_at=0).first()


def outgoing_webhooks_live(
    *, team_id: str = "", channel_id: str = "", user_id: str = ""
) -> QuerySet[OutgoingWebhook]:
    """Live outgoing webhooks, oldest first; of one team, one channel and one creator
    when given."""
    hooks = OutgoingWebhook.objects.filter(delete_at=0).order_by("create_at", "id")
    if team_id:
        hooks = hooks.filter(team_id=team_id)
    if channel_id:
        hooks = hooks.filter(channel_id=channel_id)
    if user_id:
        hooks = hooks.filter(creator_id=user_id)
    return hooks


def outgoing_webhooks_of_team(team_id: str) -> list[OutgoingWebhook]:
    """The team's live outgoing webhooks, in one plain indexed query: this runs on every
    post in a public channel, so it carries no join, no OR and no ordering to compile."""
    return list(OutgoingWebhook.objects.filter(team_id=team_id, delete_at=0))
