"""The operator's view of channels and channel memberships. Editing a channel, archiving,
restoring, converting between public and private, and adding or removing members go
through the channel services, so the same rules and events apply as on the API. Channels
are created through the API or ``manage.py channel create``, so they cannot be added here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apps.accounts.models import User
from apps.channels.models import (
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    Channel,
    ChannelMember,
    SidebarCategory,
    SidebarChannel,
)
from apps.channels.selectors import channel_member_counts, channel_name_in_use
from apps.channels.services import (
    EDITABLE_FIELDS,
    channel_archive,
    channel_member_add_checked,
    channel_member_remove,
    channel_member_set_scheme_roles,
    channel_move,
    channel_patch,
    channel_restore,
    channel_set_privacy,
)
from apps.channels.validators import validate_channel_fields
from apps.core.admin_actions import NewMembersInline, member_username, members_link, run_for_each
from apps.core.errors import AppError
from apps.teams.models import Team


def _operator(request: HttpRequest) -> User:
    """The signed-in operator, named in the notices the channel gets about their changes."""
    return cast(User, request.user)


def _member_add(channel: Channel, row: ChannelMember, operator: User) -> None:
    """Add the user of a new inline row, with the checks the API makes, then make them a
    channel admin when the row says so."""
    member = channel_member_add_checked(channel=channel, user_id=row.user_id, actor=operator)
    if row.scheme_admin and not member.scheme_admin:
        channel_member_set_scheme_roles(
            member=member, scheme_guest=False, scheme_user=True, scheme_admin=True
        )


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


class ChannelMemberAddInline(NewMembersInline):
    model = ChannelMember


class MoveForm(forms.Form):
    """The second step of the move action: where to, and what to do about members who are
    not in that team."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(delete_at=0).order_by("name"), label="New team"
    )
    force = forms.BooleanField(
        required=False,
        label="Remove the members who are not in the new team",
        help_text="Without this, a channel with such members stays where it is.",
    )


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ("display_name", "name", "team", "type", "archived", "create_at")
    list_filter = ("type", "team", ArchivedFilter)
    list_select_related = ("team",)
    search_fields = ("name", "display_name", "team__name")
    readonly_fields = (
        "id",
        "team",
        "type",
        "creator_id",
        "total_msg_count",
        "total_msg_count_root",
        "last_post_at",
        "last_root_post_at",
        "members",
        "create_at",
        "update_at",
        "delete_at",
    )
    inlines = (ChannelMemberAddInline,)
    actions = ("archive", "restore", "convert", "move")

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

    @admin.display(description="members")
    def members(self, channel: Channel) -> str:
        return members_link(
            "admin:channels_channelmember_changelist",
            {"channel": channel.pk},
            channel_member_counts(channel.pk)[0],
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        channel: Channel = form.instance
        operator = _operator(request)
        run_for_each(
            self,
            request,
            formset.save(commit=False),
            lambda member: _member_add(channel, member, operator),
            "Added to the channel",
            name=member_username,
        )

    @admin.action(description="Archive the selected channels")
    def archive(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        operator = _operator(request)
        run_for_each(
            self,
            request,
            queryset.filter(delete_at=0),
            lambda channel: channel_archive(channel=channel, actor=operator),
            "Archived",
        )

    @admin.action(description="Restore the selected channels")
    def restore(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        operator = _operator(request)
        run_for_each(
            self,
            request,
            queryset.exclude(delete_at=0),
            lambda channel: channel_restore(channel=channel, actor=operator),
            "Restored",
        )

    @admin.action(description="Convert the selected channels between public and private")
    def convert(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(type__in=(CHANNEL_OPEN, CHANNEL_PRIVATE)),
            lambda channel: channel_set_privacy(
                channel=channel,
                privacy=CHANNEL_PRIVATE if channel.type == CHANNEL_OPEN else CHANNEL_OPEN,
            ),
            "Converted",
        )

    @admin.action(description="Move the selected channels to another team")
    def move(self, request: HttpRequest, queryset: QuerySet[Channel]) -> TemplateResponse | None:
        """First shows a page asking for the team; its form posts the action again."""
        if queryset.exclude(type__in=(CHANNEL_OPEN, CHANNEL_PRIVATE)).exists():
            self.message_user(
                request, "Direct and group messages belong to no team.", messages.WARNING
            )
            queryset = queryset.filter(type__in=(CHANNEL_OPEN, CHANNEL_PRIVATE))
        if not queryset.exists():
            return None
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/channels/channel/move.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Move channels to another team",
                    "opts": self.model._meta,
                    "channels": queryset.select_related("team"),
                    "form": form,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        team, force = form.cleaned_data["team"], form.cleaned_data["force"]
        operator = _operator(request)
        run_for_each(
            self,
            request,
            queryset.exclude(team=team),
            lambda channel: channel_move(channel=channel, team=team, force=force, mover=operator),
            f"Moved to {team.name}",
        )
        return None


@admin.register(ChannelMember)
class ChannelMemberAdmin(admin.ModelAdmin):
    """Memberships across channels (a channel's page links to its own). Members are added
    on the channel's page; removing them and changing their role are actions here,
    through the channel services. Notification settings are the member's own."""

    list_display = ("channel", "user", "roles", "msg_count", "mention_count", "last_viewed_at")
    list_select_related = ("channel", "user")
    list_filter = ("scheme_admin",)
    search_fields = ("channel__name", "user__username", "user__email")
    fields = (
        "channel",
        "user",
        "roles",
        "notify_props",
        "last_viewed_at",
        "msg_count",
        "mention_count",
    )
    readonly_fields = fields
    actions = ("remove", "make_admin", "make_member")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Remove from the channel")
    def remove(self, request: HttpRequest, queryset: QuerySet[ChannelMember]) -> None:
        operator = _operator(request)
        run_for_each(
            self,
            request,
            queryset.select_related("channel", "user"),
            lambda member: channel_member_remove(
                channel=member.channel, user=member.user, remover=operator
            ),
            "Removed from their channel",
            name=member_username,
        )

    @admin.action(description="Make channel admin")
    def make_admin(self, request: HttpRequest, queryset: QuerySet[ChannelMember]) -> None:
        self._set_admin(request, queryset, admin=True)

    @admin.action(description="Make plain member (not channel admin)")
    def make_member(self, request: HttpRequest, queryset: QuerySet[ChannelMember]) -> None:
        self._set_admin(request, queryset, admin=False)

    def _set_admin(
        self, request: HttpRequest, queryset: QuerySet[ChannelMember], *, admin: bool
    ) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(scheme_admin=not admin).select_related("user"),
            lambda member: channel_member_set_scheme_roles(
                member=member, scheme_guest=False, scheme_user=True, scheme_admin=admin
            ),
            "Roles changed",
            name=member_username,
        )


class SidebarAdmin(admin.ModelAdmin):
    """How users arrange their sidebars: theirs to change, from their clients (through the
    category services), so shown here but never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SidebarCategory)
class SidebarCategoryAdmin(SidebarAdmin):
    list_display = ("display_name", "type", "user", "team", "sorting", "sort_order", "muted")
    list_select_related = ("user", "team")
    list_filter = ("type", "sorting", "muted", "collapsed")
    search_fields = ("display_name", "user__username", "team__name")


@admin.register(SidebarChannel)
class SidebarChannelAdmin(SidebarAdmin):
    list_display = ("channel", "user", "category", "team", "sort_order")
    list_select_related = ("category", "member__channel", "member__user", "team")
    search_fields = ("member__channel__name", "member__user__username", "category__display_name")
    fields = ("category", "channel", "user", "team", "sort_order")

    @admin.display(ordering="member__channel__name")
    def channel(self, entry: SidebarChannel) -> Channel:
        return entry.member.channel

    @admin.display(ordering="member__user__username")
    def user(self, entry: SidebarChannel) -> User:
        return entry.member.user
