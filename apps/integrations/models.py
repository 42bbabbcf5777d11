"""Integrations: incoming webhooks (a URL that posts into a channel), outgoing webhooks
(posts that call a URL) and custom slash commands (``/trigger`` that calls a URL)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.clock import now_ms
from apps.core.ids import new_id

# Outgoing webhook ``trigger_when``: the first word equals a trigger word, or starts with one.
TRIGGER_EXACT = 0
TRIGGER_STARTS_WITH = 1
# Outgoing webhook ``content_type`` values: how the callback body is encoded.
CONTENT_TYPE_FORM = "application/x-www-form-urlencoded"
CONTENT_TYPE_JSON = "application/json"
# Slash command ``method``: POST or GET to the command's URL.
COMMAND_METHOD_POST = "P"
COMMAND_METHOD_GET = "G"


class IncomingWebhook(models.Model):
    """A secret URL (``/hooks/{id}``) that posts into ``channel`` as ``user``; deleting
    one only stamps ``delete_at``, as Mattermost does."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incoming_webhooks"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="incoming_webhooks"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="incoming_webhooks"
    )
    display_name = models.CharField(max_length=64, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    username = models.CharField(max_length=255, blank=True, default="")
    icon_url = models.CharField(max_length=1024, blank=True, default="")
    channel_locked = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["team", "delete_at"], name="incoming_hook_team_idx")]

    def __str__(self) -> str:
        return self.display_name or self.id


class OutgoingWebhook(models.Model):
    """Posts in a public channel of ``team`` (optionally one ``channel``) whose first word
    matches a trigger word are sent to ``callback_urls``; the answer may post back. The
    ``token`` travels with every call so the receiver can tell the call is genuine."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    token = models.CharField(max_length=26, default=new_id, db_index=True)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outgoing_webhooks"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="outgoing_webhooks"
    )
    # Blank: every public channel of the team.
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_webhooks",
    )
    trigger_words = models.JSONField(default=list, blank=True)
    trigger_when = models.IntegerField(default=TRIGGER_EXACT)
    callback_urls = models.JSONField(default=list, blank=True)
    display_name = models.CharField(max_length=64, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    content_type = models.CharField(max_length=128, blank=True, default=CONTENT_TYPE_FORM)
    username = models.CharField(max_length=255, blank=True, default="")
    icon_url = models.CharField(max_length=1024, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["team", "delete_at"], name="outgoing_hook_team_idx")]

    def __str__(self) -> str:
        return self.display_name or self.id


class Command(models.Model):
    """A team's custom slash command: typing ``/trigger text`` calls ``url`` and posts
    (or shows the caller) what it answers."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    token = models.CharField(max_length=26, default=new_id, db_index=True)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commands"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="commands")
    trigger = models.CharField(max_length=128)
    method = models.CharField(max_length=1, default=COMMAND_METHOD_POST)
    url = models.CharField(max_length=1024)
    username = models.CharField(max_length=64, blank=True, default="")
    icon_url = models.CharField(max_length=1024, blank=True, default="")
    auto_complete = models.BooleanField(default=False)
    auto_complete_desc = models.CharField(max_length=1024, blank=True, default="")
    auto_complete_hint = models.CharField(max_length=1024, blank=True, default="")
    display_name = models.CharField(max_length=64, blank=True, default="")
    description = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["team", "delete_at"], name="command_team_idx")]

    def __str__(self) -> str:
        return f"/{self.trigger}"
