"""The operator's view of webhooks and custom slash commands. Users make them through the
API; the admin lists them and can retire one (softly, through the service: an incoming
hook's URL stops working, an outgoing hook stops firing, a command's trigger stops)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from apps.integrations.commands.services import command_delete
from apps.integrations.models import Command, IncomingWebhook, OutgoingWebhook
from apps.integrations.services import incoming_webhook_delete, outgoing_webhook_delete

TIMESTAMPS = ("create_at", "update_at", "delete_at")


class IntegrationAdmin(admin.ModelAdmin):
    """Read-only pages of one kind of integration, with a soft-delete action that goes
    through ``retire_one`` (the service), so what it stops stops at once."""

    retired_what = "integration(s)"
    actions = ("retire",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def retire_one(self, row: Any) -> None:
        raise NotImplementedError

    @admin.display(boolean=True)
    def deleted(self, row: IncomingWebhook | OutgoingWebhook | Command) -> bool:
        return row.delete_at != 0

    @admin.action(description="Delete the selected rows (they stop working at once)")
    def retire(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        live = list(queryset.filter(delete_at=0))
        for row in live:
            self.retire_one(row)
        self.message_user(request, f"Deleted {len(live)} {self.retired_what}.", messages.SUCCESS)


@admin.register(IncomingWebhook)
class IncomingWebhookAdmin(IntegrationAdmin):
    list_display = ("display_name", "team", "channel", "user", "channel_locked", "deleted")
    list_filter = ("team", "channel_locked")
    list_select_related = ("team", "channel", "user")
    search_fields = ("display_name", "description")
    fields = (
        "display_name",
        "description",
        "team",
        "channel",
        "user",
        "username",
        "icon_url",
        "channel_locked",
        *TIMESTAMPS,
    )
    retired_what = "webhook(s)"

    def retire_one(self, hook: Any) -> None:
        incoming_webhook_delete(hook=hook)


@admin.register(OutgoingWebhook)
class OutgoingWebhookAdmin(IntegrationAdmin):
    list_display = ("display_name", "team", "channel", "creator", "trigger_when", "deleted")
    list_filter = ("team",)
    list_select_related = ("team", "channel", "creator")
    search_fields = ("display_name", "description")
    fields = (
        "display_name",
        "description",
        "team",
        "channel",
        "creator",
        "trigger_words",
        "trigger_when",
        "callback_urls",
        "content_type",
        "username",
        "icon_url",
        *TIMESTAMPS,
    )
    retired_what = "webhook(s)"

    def retire_one(self, hook: Any) -> None:
        outgoing_webhook_delete(hook=hook)


@admin.register(Command)
class CommandAdmin(IntegrationAdmin):
    list_display = ("trigger", "display_name", "team", "creator", "method", "url", "deleted")
    list_filter = ("team", "method")
    list_select_related = ("team", "creator")
    search_fields = ("trigger", "display_name", "url")
    fields = (
        "trigger",
        "display_name",
        "description",
        "team",
        "creator",
        "method",
        "url",
        "username",
        "icon_url",
        "auto_complete",
        "auto_complete_desc",
        "auto_complete_hint",
        *TIMESTAMPS,
    )
    retired_what = "command(s)"

    def retire_one(self, command: Any) -> None:
        command_delete(command=command)
