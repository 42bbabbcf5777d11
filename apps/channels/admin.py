"""The operator's view of channels and channel memberships. Editing a channel, archiving,
restoring, converting between public and private, and adding or removing members go
through the channel services, so the same rules and events apply as on the API. Channels
are created through the API or ``manage.py channel create``, so they cannot be added here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from apps.accounts.models import User
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, Channel, ChannelMember
from apps.channels.selectors import channel_name_in_use
from apps.channels.services import (
    EDITABLE_FIELDS,
    channel_archive,
    channel_member_add,
    channel_member_remove,
    channel_patch,
    channel_restore,
    channel_set_privacy,
)
from apps.channels.validators import validate_channel_fields
from apps.core.errors import AppError


def _operator(request: HttpRequest) -> User:
    """The signed-in operator, named in the notices the channel gets about their changes."""
    return cast(User, request.user)


class ArchivedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("no", "Active"), ("yes", "Archived")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Channel]) -> QuerySet[Channel]:
        if self.value() == "no":
            return queryset.filter(delete_at=0)
        if self.value() == "yes":
            return queryset.exclude(delete_at=0)
        return queryset


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = self.instance
        try:
            validate_channel_fields(
                display_name=data.get("display_name") or "",
                name=data.get("name") or "",
                header=data.get("header") or "",
                purpose=data.get("purpose") or "",
                named=channel.type in (CHANNEL_OPEN, CHANNEL_PRIVATE),
            )
        except AppError as error:
            raise ValidationError(error.message) from None
        name = data.get("name") or ""
        if (
            channel.team_id
            and name != channel.name
            and channel_name_in_use(team_id=channel.team_id, name=name, other_than=channel.pk)
        ):
            raise ValidationError("Another channel of the team already has that name.")
        return data


class ChannelMemberInline(admin.TabularInline):
    model = ChannelMember
    extra = 0
    fields = ("user", "scheme_admin", "explicit_roles", "last_viewed_at")
    readonly_fields = ("last_viewed_at",)
    autocomplete_fields = ("user",)
    verbose_name_plural = "members (deleting a row removes the member from the channel)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChannelMember]:
        return super().get_queryset(request).select_related("user")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ("display_name", "name", "team", "type", "archived", "create_at")
    list_filter = ("type", "team", ArchivedFilter)
    list_select_related = ("team",)
    search_fields = ("name", "display_name", "team__name")
    readonly_fields = ("id", "team", "type", "creator_id", "create_at", "update_at", "delete_at")
    inlines = (ChannelMemberInline,)
    actions = ("archive", "restore", "convert")

    @admin.display(boolean=True, ordering="delete_at")
    def archived(self, channel: Channel) -> bool:
        return channel.delete_at != 0

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Channel, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            return
        try:
            # The form has already changed ``obj``; the service compares with the stored row.
            channel_patch(
                channel=Channel.objects.get(pk=obj.pk), changes=changes, actor=_operator(request)
            )
        except AppError as error:
            self.message_user(request, error.message, messages.ERROR)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        channel: Channel = form.instance
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            self._report(
                request,
                channel_member_remove,
                channel=channel,
                user=member.user,
                remover=_operator(request),
            )
        for member in members:
            if member.pk is not None:
                member.save()
            else:
                channel_member_add(channel=channel, user=member.user, admin=member.scheme_admin)

    def _report(self, request: HttpRequest, action: Any, **arguments: Any) -> None:
        """Run a service, showing its refusal (and the channel it concerns) as a message."""
        try:
            action(**arguments)
        except AppError as error:
            self.message_user(request, f"{arguments['channel']}: {error.message}", messages.ERROR)

    @admin.action(description="Archive the selected channels")
    def archive(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset.filter(delete_at=0):
            self._report(request, channel_archive, channel=channel, actor=_operator(request))

    @admin.action(description="Restore the selected channels")
    def restore(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset.exclude(delete_at=0):
            self._report(request, channel_restore, channel=channel, actor=_operator(request))

    @admin.action(description="Convert the selected channels between public and private")
    def convert(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset.filter(type__in=(CHANNEL_OPEN, CHANNEL_PRIVATE)):
            privacy = CHANNEL_PRIVATE if channel.type == CHANNEL_OPEN else CHANNEL_OPEN
            self._report(request, channel_set_privacy, channel=channel, privacy=privacy)


@admin.register(ChannelMember)
class ChannelMemberAdmin(admin.ModelAdmin):
    """Memberships across channels; they are added and removed on the channel's page."""

    list_display = ("channel", "user", "roles", "msg_count", "mention_count", "last_viewed_at")
    list_select_related = ("channel", "user")
    list_filter = ("scheme_admin",)
    search_fields = ("channel__name", "user__username", "user__email")
    fields = (
        "channel",
        "user",
        "scheme_admin",
        "explicit_roles",
        "notify_props",
        "last_viewed_at",
        "msg_count",
        "mention_count",
    )
    readonly_fields = ("channel", "user", "last_viewed_at", "msg_count", "mention_count")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
