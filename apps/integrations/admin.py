"""The operator's view of webhooks and custom slash commands. Users make them through the
API; the admin lists them and can retire one (softly, through the service: an incoming
hook's URL stops working, an outgoing hook stops firing, a command's trigger stops)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.integrations.commands.services import command_delete
from apps.integrations.models import Command, IncomingWebhook, OutgoingWebhook
from apps.integrations.services import incoming_webhook_delete, outgoing_webhook_delete


@admin.register(IncomingWebhook)
class IncomingWebhookAdmin(admin.ModelAdmin):
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
        "create_at",
        "update_at",
        "delete_at",
    )
    readonly_fields = fields
    actions = ("retire",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(boolean=True)
    def deleted(self, hook: IncomingWebhook) -> bool:
        return hook.delete_at != 0

    @admin.action(description="Delete the selected webhooks (their URLs stop working)")
    def retire(self, request: HttpRequest, queryset: QuerySet[IncomingWebhook]) -> None:
        live = list(queryset.filter(delete_at=0))
        for hook in live:
            incoming_webhook_delete(hook=hook)
        self.message_user(request, f"Deleted {len(live)} webhook(s).", messages.SUCCESS)


@admin.register(OutgoingWebhook)
class OutgoingWebhookAdmin(admin.ModelAdmin):
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
        "create_at",
        "update_at",
        "delete_at",
    )
    readonly_fields = fields
    actions = ("retire",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(boolean=True)
    def deleted(self, hook: OutgoingWebhook) -> bool:
        return hook.delete_at != 0

    @admin.action(description="Delete the selected webhooks (they stop firing)")
    def retire(self, request: HttpRequest, queryset: QuerySet[OutgoingWebhook]) -> None:
        live = list(queryset.filter(delete_at=0))
        for hook in live:
            outgoing_webhook_delete(hook=hook)
        self.message_user(request, f"Deleted {len(live)} webhook(s).", messages.SUCCESS)


@admin.register(Command)
class CommandAdmin(admin.ModelAdmin):
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
        "create_at",
        "update_at",
        "delete_at",
    )
    readonly_fields = fields
    actions = ("retire",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(boolean=True)
    def deleted(self, command: Command) -> bool:
        return command.delete_at != 0

    @admin.action(description="Delete the selected commands (their triggers stop working)")
    def retire(self, request: HttpRequest, queryset: QuerySet[Command]) -> None:
        live = list(queryset.filter(delete_at=0))
        for command in live:
            command_delete(command=command)
        self.message_user(request, f"Deleted {len(live)} command(s).", messages.SUCCESS)
