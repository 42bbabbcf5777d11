"""The operator's view of teams and memberships. Editing a team, archiving, restoring,
adding and removing members go through the team services, so the same rules, channel joins
and events apply as on the API; a member's role flags are edited in place. Teams are
created with an owner (API or ``manage.py team create``), so they cannot be added here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from apps.accounts.models import User
from apps.core.admin_actions import NewMembersInline, member_username, members_link, run_for_each
from apps.core.errors import AppError
from apps.teams.models import Team, TeamMember
from apps.teams.selectors import team_active_member_count
from apps.teams.services import (
    TEAM_EDITABLE,
    team_archive,
    team_member_add,
    team_member_remove,
    team_member_set_scheme_roles,
    team_patch,
    team_restore,
)
from apps.teams.validators import validate_team


class ArchivedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("no", "Active"), ("yes", "Archived")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Team]) -> QuerySet[Team]:
        if self.value() == "no":
            return queryset.filter(delete_at=0)
        if self.value() == "yes":
            return queryset.exclude(delete_at=0)
        return queryset


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = TEAM_EDITABLE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team = self.instance
        try:
            validate_team(
                display_name=data.get("display_name") or "",
                name=team.name,
                description=data.get("description") or "",
                email=team.email,
                type=team.type,
                company_name=data.get("company_name") or "",
                allowed_domains=data.get("allowed_domains") or "",
            )
        except AppError as error:
            raise ValidationError(error.message) from None
        return data


class TeamMemberAddInline(NewMembersInline):
    model = TeamMember


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ("name", "display_name", "type", "allow_open_invite", "delete_at", "create_at")
    list_filter = ("type", ArchivedFilter)
    search_fields = ("name", "display_name")
    readonly_fields = (
        "id",
        "name",
        "type",
        "email",
        "invite_id",
        "members",
        "create_at",
        "update_at",
    )
    inlines = (TeamMemberAddInline,)
    actions = ("archive", "restore")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Team, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            # The form has already changed ``obj``; the service compares with the stored team.
            team_patch(team=Team.objects.get(pk=obj.pk), changes=changes)

    @admin.display(description="members")
    def members(self, team: Team) -> str:
        return members_link(
            "admin:teams_teammember_changelist",
            {"team": team.pk, "current": "yes"},
            team_active_member_count(team.pk),
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        team: Team = form.instance
        operator = cast(User, request.user)
        run_for_each(
            self,
            request,
            formset.save(commit=False),
            lambda member: team_member_add(
                team=team, user=member.user, admin=member.scheme_admin, actor=operator
            ),
            "Added to the team",
            name=member_username,
        )

    @admin.action(description="Archive the selected teams")
    def archive(self, request: HttpRequest, queryset: QuerySet[Team]) -> None:
        teams = queryset.filter(delete_at=0)
        run_for_each(self, request, teams, lambda team: team_archive(team=team), "Archived")

    @admin.action(description="Restore the selected teams")
    def restore(self, request: HttpRequest, queryset: QuerySet[Team]) -> None:
        teams = queryset.exclude(delete_at=0)
        run_for_each(self, request, teams, lambda team: team_restore(team=team), "Restored")


class CurrentFilter(admin.SimpleListFilter):
    title = "membership"
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", "Current members"), ("no", "Former members")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[TeamMember]
    ) -> QuerySet[TeamMember]:
        if self.value() == "yes":
            return queryset.filter(delete_at=0)
        if self.value() == "no":
            return queryset.exclude(delete_at=0)
        return queryset


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    """Memberships across teams (a team's page links to its own). Members are added on
    the team's page; removing them and changing their role are actions here, through the
    team services."""

    list_display = ("team", "user", "roles", "current", "create_at")
    list_select_related = ("team", "user")
    list_filter = (CurrentFilter, "scheme_admin")
    search_fields = ("team__name", "user__username", "user__email")
    fields = ("team", "user", "roles", "delete_at", "create_at")
    readonly_fields = fields
    actions = ("remove", "make_admin", "make_member")

    @admin.display(boolean=True, ordering="delete_at")
    def current(self, member: TeamMember) -> bool:
        return member.is_active

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Remove from the team (and its channels)")
    def remove(self, request: HttpRequest, queryset: QuerySet[TeamMember]) -> None:
        operator = cast(User, request.user)
        run_for_each(
            self,
            request,
            queryset.filter(delete_at=0).select_related("team", "user"),
            lambda member: team_member_remove(team=member.team, user=member.user, remover=operator),
            "Removed from their team",
            name=member_username,
        )

    @admin.action(description="Make team admin")
    def make_admin(self, request: HttpRequest, queryset: QuerySet[TeamMember]) -> None:
        self._set_admin(request, queryset, admin=True)

    @admin.action(description="Make plain member (not team admin)")
    def make_member(self, request: HttpRequest, queryset: QuerySet[TeamMember]) -> None:
        self._set_admin(request, queryset, admin=False)

    def _set_admin(
        self, request: HttpRequest, queryset: QuerySet[TeamMember], *, admin: bool
    ) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(delete_at=0, scheme_admin=not admin).select_related("user"),
            lambda member: team_member_set_scheme_roles(
                member=member,
                scheme_guest=member.scheme_guest,
                scheme_user=member.scheme_user,
                scheme_admin=admin,
            ),
            "Roles changed",
            name=member_username,
        )
