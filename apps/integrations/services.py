"""Writes of incoming and outgoing webhooks, and posting what a webhook sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.selectors import user_get_by_username
from apps.channels.models import CHANNEL_OPEN, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get, channel_get_by_name
from apps.channels.services import direct_channel_get_or_create
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.ids import is_valid_id, new_id
from apps.integrations.models import (
    CONTENT_TYPE_FORM,
    TRIGGER_EXACT,
    TRIGGER_STARTS_WITH,
    IncomingWebhook,
    OutgoingWebhook,
)
from apps.integrations.payloads import WebhookPayload
from apps.integrations.selectors import incoming_webhook_get, outgoing_webhooks_live
from apps.integrations.slack import (
    check_attachments,
    from_slack,
    markdown_links,
    split_webhook_post,
)
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.posts.validators import HIDDEN_PROPS, INTEGRATION_PROPS, SLACK_ATTACHMENT_TYPE
from apps.teams.models import Team

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


def require_channel_of_hook_team(hook: IncomingWebhook, channel: Channel) -> None:
    """A hook stays in its team: it may move only to another channel of that team."""
    if channel.team_id != hook.team_id:
        raise AppError(
            "api.webhook.team_mismatch.app_error",
            "A webhook cannot move to another team's channel.",
            400,
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


Webhook = IncomingWebhook | OutgoingWebhook


def _webhook_props(
    hook: Webhook, payload: WebhookPayload, attachments: list[dict[str, Any]]
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


def webhook_post_create(
    *, hook: Webhook, author: User, channel: Channel, payload: WebhookPayload, root_id: str = ""
) -> Post:
    """Post what a webhook sent (an incoming hook's payload, an outgoing hook's answer)
    as ``author``, marked as coming from the hook. Slack markup is converted, and a text
    longer than a post is split over several posts; the first one is returned."""
    text, attachments = from_slack(payload.text, check_attachments(payload.attachments))
    pieces = split_webhook_post(markdown_links(text), _webhook_props(hook, payload, attachments))
    post_type = SLACK_ATTACHMENT_TYPE if attachments else payload.type
    # The pieces of a split text get one millisecond each, so they list in order.
    first_at = now_ms()
    with transaction.atomic():
        posts = [
            post_create(
                author=author,
                channel=channel,
                message=message,
                root_id=root_id,
                props=props,
                type=post_type,
                set_online=False,
                create_at=first_at + index,
            )
            for index, (message, props) in enumerate(pieces)
        ]
    return posts[0]


def incoming_webhook_post(*, hook_id: str, payload: WebhookPayload) -> Post:
    """Post a payload through the hook ``hook_id``, as the hook's creator."""
    if not settings.MATTERMOST.enable_incoming_webhooks:
        raise _hook_error("disabled", "Incoming webhooks have been turned off.", 501)
    if not payload.text and payload.attachments is None:
        raise _hook_error("text", "The payload needs text or attachments.", 400)
    hook = incoming_webhook_get(hook_id)
    if hook is None:
        raise _hook_error("invalid", "There is no such webhook.", 400)
    with transaction.atomic():
        channel = _target_channel(hook, payload.channel)
        if hook.channel_locked and channel.id != hook.channel_id:
            raise _hook_error("channel_locked", "This webhook may only post to its channel.", 403)
        if channel.type != CHANNEL_OPEN and not has_channel_permission(
            hook.user, channel.id, "read_channel"
        ):
            raise _hook_error("permissions", "The webhook's creator cannot post there.", 403)
        return webhook_post_create(hook=hook, author=hook.user, channel=channel, payload=payload)


# Outgoing webhooks

# Longest text fields of an outgoing webhook, with the error id Mattermost answers for each.
OUTGOING_FIELD_LIMITS = {
    "display_name": (64, "model.outgoing_hook.is_valid.display_name.app_error"),
    "description": (500, "model.outgoing_hook.is_valid.description.app_error"),
    "content_type": (128, "model.outgoing_hook.is_valid.content_type.app_error"),
    "username": (64, "model.outgoing_hook.username.app_error"),
    "icon_url": (1024, "model.outgoing_hook.icon_url.app_error"),
}
# Mattermost caps the trigger words and the callback URLs as one printed list: "[a b]".
MAX_PRINTED_LIST = 1024


@dataclass(frozen=True)
class OutgoingHookSpec:
    """What a user sets on an outgoing webhook (create and update both take all of it)."""

    trigger_words: list[str]
    callback_urls: list[str]
    trigger_when: int = TRIGGER_EXACT
    display_name: str = ""
    description: str = ""
    content_type: str = CONTENT_TYPE_FORM
    username: str = ""
    icon_url: str = ""

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in OUTGOING_FIELD_LIMITS}


def _outgoing_invalid(error_id: str, message: str) -> AppError:
    return AppError(error_id, message, 400)


def _printed_length(items: list[str]) -> int:
    return len("[" + " ".join(items) + "]")


def is_http_url(url: str) -> bool:
    if not url.startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def validate_outgoing_spec(spec: OutgoingHookSpec) -> None:
    """Mattermost's checks of an outgoing webhook's own fields, with its error ids."""
    if _printed_length(spec.trigger_words) > MAX_PRINTED_LIST:
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.words.app_error", "There are too many trigger words."
        )
    if any(not word for word in spec.trigger_words):
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.trigger_words.app_error",
            "A trigger word may not be empty.",
        )
    if not spec.callback_urls or _printed_length(spec.callback_urls) > MAX_PRINTED_LIST:
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.callback.app_error",
            "A webhook needs between one callback URL and 1024 characters of them.",
        )
    if not all(is_http_url(url) for url in spec.callback_urls):
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.url.app_error",
            "Callback URLs must be http:// or https:// URLs with a host.",
        )
    for name, (limit, error_id) in OUTGOING_FIELD_LIMITS.items():
        if len(getattr(spec, name)) > limit:
            raise _outgoing_invalid(
                error_id, f"The webhook's {name} may be at most {limit} characters long."
            )
    if spec.trigger_when not in (TRIGGER_EXACT, TRIGGER_STARTS_WITH):
        # Mattermost reports a bad trigger_when under the content type's error id.
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.content_type.app_error",
            "trigger_when must be 0 (exact first word) or 1 (first word starts with).",
        )


def _watched_channel(*, channel_id: str, team_id: str, not_open_error_id: str) -> Channel | None:
    """The public channel of ``team_id`` a hook watches; None when ``channel_id`` is
    empty (the hook watches every public channel of the team)."""
    if not channel_id:
        return None
    channel = channel_get(channel_id) if is_valid_id(channel_id) else None
    if channel is None:
        raise AppError(
            "app.channel.get.existing.app_error", "The webhook's channel was not found.", 404
        )
    if channel.type != CHANNEL_OPEN:
        raise AppError(not_open_error_id, "Outgoing webhooks only watch public channels.", 403)
    if channel.team_id != team_id:
        raise AppError(
            "api.webhook.create_outgoing.permissions.app_error",
            "The channel is not in the webhook's team.",
            403,
        )
    return channel


def _require_triggers(channel: Channel | None, spec: OutgoingHookSpec) -> None:
    if channel is None and not spec.trigger_words:
        raise _outgoing_invalid(
            "api.webhook.create_outgoing.triggers.app_error",
            "A webhook needs trigger words, a channel, or both.",
        )


def _require_no_overlap(
    *,
    team_id: str,
    channel: Channel | None,
    spec: OutgoingHookSpec,
    error_id: str,
    own_id: str = "",
) -> None:
    """No two hooks of one channel (or of the whole team) share a trigger word and a URL:
    one post would call that URL twice."""
    siblings = outgoing_webhooks_live(team_id=team_id).filter(channel=channel).exclude(pk=own_id)
    words, urls = set(spec.trigger_words), set(spec.callback_urls)
    for other in siblings.only("trigger_words", "callback_urls"):
        if words & set(other.trigger_words) and urls & set(other.callback_urls):
            raise _outgoing_invalid(
                error_id, "Another webhook already calls that URL for that trigger word here."
            )


def outgoing_webhook_create(
    *, creator: User, team_id: str, channel_id: str, spec: OutgoingHookSpec
) -> OutgoingWebhook:
    """A hook of team ``team_id`` (of one public channel of it, when ``channel_id``)."""
    if not is_valid_id(team_id):
        raise _outgoing_invalid(
            "model.outgoing_hook.is_valid.team_id.app_error", "team_id must be a team's id."
        )
    if not Team.objects.filter(pk=team_id).exists():
        raise AppError("app.team.get.find.app_error", "There is no team with that id.", 404)
    channel = _watched_channel(
        channel_id=channel_id,
        team_id=team_id,
        # Mattermost's create answers a private channel with this (misleading) id.
        not_open_error_id="api.outgoing_webhook.disabled.app_error",
    )
    _require_triggers(channel, spec)
    validate_outgoing_spec(spec)
    with transaction.atomic():
        _require_no_overlap(
            team_id=team_id,
            channel=channel,
            spec=spec,
            error_id="api.webhook.create_outgoing.intersect.app_error",
        )
        return OutgoingWebhook.objects.create(
            creator=creator,
            team_id=team_id,
            channel=channel,
            trigger_words=spec.trigger_words,
            trigger_when=spec.trigger_when,
            callback_urls=spec.callback_urls,
            **spec.texts(),
        )


def outgoing_webhook_update(
    *, hook: OutgoingWebhook, channel_id: str, spec: OutgoingHookSpec
) -> OutgoingWebhook:
    """Replace what the hook's owner set; its team, creator and token stay."""
    channel = _watched_channel(
        channel_id=channel_id,
        team_id=hook.team_id,
        not_open_error_id="api.webhook.create_outgoing.not_open.app_error",
    )
    _require_triggers(channel, spec)
    validate_outgoing_spec(spec)
    with transaction.atomic():
        _require_no_overlap(
            team_id=hook.team_id,
            channel=channel,
            spec=spec,
            error_id="api.webhook.update_outgoing.intersect.app_error",
            own_id=hook.id,
        )
        hook.channel = channel
        hook.trigger_words = spec.trigger_words
        hook.trigger_when = spec.trigger_when
        hook.callback_urls = spec.callback_urls
        for name, value in spec.texts().items():
            setattr(hook, name, value)
        hook.update_at = now_ms()
        hook.save()
    return hook


def outgoing_webhook_regenerate_token(*, hook: OutgoingWebhook) -> OutgoingWebhook:
    """A new token: receivers that checked the old one stop trusting the hook's calls."""
    hook.token = new_id()
    hook.update_at = now_ms()
    hook.save(update_fields=["token", "update_at"])
    return hook


def outgoing_webhook_delete(*, hook: OutgoingWebhook) -> None:
    """Deleting keeps the row, stamped, as Mattermost does; the hook stops firing."""
    now = now_ms()
    OutgoingWebhook.objects.filter(pk=hook.pk).update(delete_at=now, update_at=now)
