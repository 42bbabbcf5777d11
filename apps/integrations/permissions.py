"""Who may manage which webhook, as Mattermost decides it."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.channels.permissions import has_channel_permission
from apps.core.errors import AppError, permission_denied
from apps.integrations.models import IncomingWebhook, OutgoingWebhook
from apps.teams.permissions import has_team_permission

MANAGE = "manage_incoming_webhooks"
MANAGE_OTHERS = "manage_others_incoming_webhooks"
MANAGE_OUTGOING = "manage_outgoing_webhooks"
MANAGE_OTHERS_OUTGOING = "manage_others_outgoing_webhooks"


def require_incoming_webhooks_enabled() -> None:
    if not settings.MATTERMOST.enable_incoming_webhooks:
        raise AppError(
            "api.incoming_webhook.disabled.app_error",
            "Incoming webhooks have been turned off by the system administrator.",
            501,
        )


def require_manage_channel_hooks(user: User, channel: Channel) -> None:
    """``manage_incoming_webhooks`` in the channel, and (for a channel that is not
    public) the right to read it, so nobody wires a hook into a room they cannot see."""
    if not has_channel_permission(user, channel.id, MANAGE):
        raise permission_denied(user.id, MANAGE)
    if channel.type != "O" and not has_channel_permission(user, channel.id, "read_channel"):
        raise permission_denied(user.id, "read_channel")


def require_manage_hook(user: User, hook: IncomingWebhook) -> None:
    """Manage rights on the hook's channel, plus ``manage_others_incoming_webhooks``
    when the hook belongs to someone else."""
    require_manage_channel_hooks(user, hook.channel)
    if hook.user_id != user.id and not has_channel_permission(user, hook.channel_id, MANAGE_OTHERS):
        raise permission_denied(user.id, MANAGE_OTHERS)


def require_outgoing_webhooks_enabled() -> None:
    if not settings.MATTERMOST.enable_outgoing_webhooks:
        raise AppError(
            "api.outgoing_webhook.disabled.app_error",
            "Outgoing webhooks have been turned off by the system administrator.",
            501,
        )


def require_manage_outgoing_hooks(user: User, team_id: str) -> None:
    """Outgoing webhooks are managed per team (they listen to all its public channels)."""
    if not has_team_permission(user, team_id, MANAGE_OUTGOING):
        raise permission_denied(user.id, MANAGE_OUTGOING)


def require_manage_outgoing_hook(user: User, hook: OutgoingWebhook) -> None:
    """Manage rights in the hook's team, plus ``manage_others_outgoing_webhooks`` when
    the hook belongs to someone else."""
    require_manage_outgoing_hooks(user, hook.team_id)
    if hook.creator_id != user.id and not has_team_permission(
        user, hook.team_id, MANAGE_OTHERS_OUTGOING
    ):
        raise permission_denied(user.id, MANAGE_OTHERS_OUTGOING)
