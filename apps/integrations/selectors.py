"""Reads of incoming and outgoing webhooks."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.channels.models import Channel
from apps.channels.selectors import channel_get
from apps.core.errors import AppError
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


def incoming_webhook_get_or_404(hook_id: str) -> IncomingWebhook:
    hook = incoming_webhook_get(hook_id)
    if hook is None:
        raise AppError("app.webhooks.get_incoming.app_error", "No such incoming webhook.", 404)
    return hook


def outgoing_webhook_get_or_404(hook_id: str) -> OutgoingWebhook:
    hook = outgoing_webhook_get(hook_id)
    if hook is None:
        raise AppError("app.webhooks.get_outgoing.app_error", "No such outgoing webhook.", 404)
    return hook


def hook_channel_get_or_404(channel_id: str) -> Channel:
    """The live team channel an incoming webhook is to post into; Mattermost answers 404
    for any other id (a direct or group channel, an archived one, none)."""
    channel = channel_get(channel_id) if channel_id else None
    if channel is None or channel.delete_at or channel.team_id is None:
        raise AppError(
            "app.channel.get.existing.app_error", "The webhook's channel was not found.", 404
        )
    return channel
