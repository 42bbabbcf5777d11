"""Integrations: incoming webhooks (a URL that posts into a channel)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.clock import now_ms
from apps.core.ids import new_id


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
