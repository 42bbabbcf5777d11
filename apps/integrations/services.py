"""Writes of incoming webhooks, and posting through one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.selectors import user_get_by_username
from apps.channels.models import CHANNEL_OPEN, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get_by_name
from apps.channels.services import direct_channel_get_or_create
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.integrations.models import IncomingWebhook
from apps.integrations.payloads import WebhookPayload
from apps.integrations.selectors import incoming_webhook_get
from apps.integrations.slack import (
    check_attachments,
    from_slack,
    markdown_links,
    split_webhook_post,
)
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.posts.validators import HIDDEN_PROPS, INTEGRATION_PROPS, SLACK_ATTACHMENT_TYPE

# Longest value of each text field, in characters, as Mattermost checks them.
FIELD_LIMITS = {"display_name": 64, "description": 500, "username": 255, "icon_url": 1024}


def validate_hook_fields(fields: dict[str, Any]) -> None:
    for name, limit in FIELD_LIMITS.items():
        if len(fields.get(name, "")) > limit:
            raise AppError(
                f"model.incoming_hook.{name}.app_error",
                f"The webhook's {name} may be at most {limit} characters long.",
                400,
            )


def incoming_webhook_create(*, creator: User, channel: Channel, **fields: Any) -> IncomingWebhook:
    """A hook posting into ``channel`` as ``creator``; ``fields`` are the hook's own
    texts and ``channel_locked``."""
    validate_hook_fields(fields)
    assert channel.team_id is not None
    return IncomingWebhook.objects.create(
        user=creator, channel=channel, team_id=channel.team_id, **fields
    )


def incoming_webhook_update(
    *, hook: IncomingWebhook, channel: Channel, **fields: Any
) -> IncomingWebhook:
    validate_hook_fields(fields)
    for name, value in fields.items():
        setattr(hook, name, value)
    hook.channel = channel
    hook.update_at = now_ms()
    hook.save()
    return hook


def incoming_webhook_delete(*, hook: IncomingWebhook) -> None:
    """Deleting a hook keeps its row, stamped, as Mattermost does; its URL stops working."""
    now = now_ms()
    IncomingWebhook.objects.filter(pk=hook.pk).update(delete_at=now, update_at=now)


def _hook_error(what: str, message: str, status: int) -> AppError:
    return AppError(f"web.incoming_webhook.{what}.app_error", message, status)


def _target_channel(hook: IncomingWebhook, name: str) -> Channel:
    """Where a payload goes: the hook's channel, a channel of its team named in the
    payload (``#name`` or ``name``), or a direct channel with ``@username``."""
    if not name:
        return hook.channel
    if name.startswith("@"):
        recipient = user_get_by_username(name[1:])
        if recipient is None:
            raise _hook_error("user", f"No user is called {name[1:]}.", 400)
        return direct_channel_get_or_create(user=hook.user, other_user=recipient).channel
    channel = channel_get_by_name(
        team_id=hook.team_id, name=name.removeprefix("#"), include_deleted=True
    )
    if channel is None:
        raise _hook_error("channel", "The webhook's team has no such channel.", 404)
    return channel


def _webhook_props(
    hook: IncomingWebhook, payload: WebhookPayload, attachments: list[dict[str, Any]]
) -> dict[str, Any]:
    """The payload's props plus the markers every webhook post carries; overrides of
    the author's name and picture only where the settings allow them."""
    config = settings.MATTERMOST
    # The payload's props never set the markers and overrides themselves: those follow
    # the hook and the settings alone.
    reserved = (*HIDDEN_PROPS, *INTEGRATION_PROPS)
    props = {key: value for key, value in payload.props.items() if key not in reserved}
    props.update(from_webhook="true", webhook_display_name=hook.display_name)
    if attachments:
        props["attachments"] = attachments
    username = payload.username or hook.username
    if config.enable_post_username_override and username:
        props["override_username"] = username
    icon_url = payload.icon_url or hook.icon_url
    if config.enable_post_icon_override and icon_url:
        props["override_icon_url"] = icon_url
    if config.enable_post_icon_override and payload.icon_emoji:
        props["override_icon_emoji"] = payload.icon_emoji
    return props


def incoming_webhook_post(*, hook_id: str, payload: WebhookPayload) -> Post:
    """Post a payload through the hook ``hook_id``, as the hook's creator."""
    if not settings.MATTERMOST.enable_incoming_webhooks:
        raise _hook_error("disabled", "Incoming webhooks have been turned off.", 501)
    if not payload.text and payload.attachments is None:
        raise _hook_error("text", "The payload needs text or attachments.", 400)
    hook = incoming_webhook_get(hook_id)
    if hook is None:
        raise _hook_error("invalid", "There is no such webhook.", 400)
    text, attachments = from_slack(payload.text, check_attachments(payload.attachments))
    pieces = split_webhook_post(markdown_links(text), _webhook_props(hook, payload, attachments))
    post_type = SLACK_ATTACHMENT_TYPE if attachments else payload.type
    with transaction.atomic():
        channel = _target_channel(hook, payload.channel)
        if hook.channel_locked and channel.id != hook.channel_id:
            raise _hook_error("channel_locked", "This webhook may only post to its channel.", 403)
        if channel.type != CHANNEL_OPEN and not has_channel_permission(
            hook.user, channel.id, "read_channel"
        ):
            raise _hook_error("permissions", "The webhook's creator cannot post there.", 403)
        # The pieces of a split text get one millisecond each, so they list in order.
        first_at = now_ms()
        posts = [
            post_create(
                author=hook.user,
                channel=channel,
                message=message,
                props=props,
                type=post_type,
                set_online=False,
                create_at=first_at + index,
            )
            for index, (message, props) in enumerate(pieces)
        ]
    return posts[0]
