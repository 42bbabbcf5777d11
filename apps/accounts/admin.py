"""The operator's view of accounts, sessions, tokens, preferences and statuses. Every change
goes through the account services, so the same rules, session endings, cache invalidation
and events apply as on the API. Accounts are created through the API or ``manage.py user
create`` and never deleted here (deactivate them instead)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from apps.accounts import validators
from apps.accounts.models import (
    ROLE_SYSTEM_ADMIN,
    Preference,
    Session,
    Status,
    User,
    UserAccessToken,
)
from apps.accounts.services import (
    PreferenceData,
    access_token_disable,
    access_token_enable,
    access_token_revoke,
    preferences_delete,
    session_revoke,
    sessions_revoke_for_user,
    user_patch,
    user_reset_lockout,
    user_set_active,
    user_set_system_admin,
)
from apps.core.admin_actions import run_for_each
from apps.core.errors import AppError


class ActiveFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", "Active"), ("no", "Deactivated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "yes":
            return queryset.filter(delete_at=0)
        if self.value() == "no":
            return queryset.exclude(delete_at=0)
        return queryset


class SystemAdminFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("admin", "System admins"), ("member", "Other users")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        admins = queryset.filter(roles__contains=ROLE_SYSTEM_ADMIN)
        if self.value() == "admin":
            return admins
        if self.value() == "member":
            return queryset.exclude(pk__in=admins.values("pk"))
        return queryset


# Django's permission groups mean nothing here: system admins may do everything in the
# admin, and chat permissions come from roles.
admin.site.unregister(Group)


# The profile an operator may correct; roles, activation and passwords have their actions
# (and ``manage.py user``), which keep sessions in step.
PROFILE_FIELDS = ("nickname", "first_name", "last_name", "position")
USER_EDITABLE = ("username", "email", *PROFILE_FIELDS)


class UserForm(forms.ModelForm):
    """The profile fields, checked by the same rules as the API's user patch."""

    class Meta:
        model = User
        fields = USER_EDITABLE

    def clean_username(self) -> str:
        username = validators.normalize_username(self.cleaned_data["username"])
        with shown_on_form():
            validators.validate_username(username)
        return username

    def clean_email(self) -> str:
        email = validators.normalize_email(self.cleaned_data["email"])
        with shown_on_form():
            validators.validate_email(email)
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in PROFILE_FIELDS:
            try:
                validators.validate_profile_field(field, data.get(field) or "")
            except AppError as error:
                self.add_error(field, error.message)
        return data


@contextmanager
def shown_on_form() -> Iterator[None]:
    """An account rule's refusal, as the form's error for the field being cleaned."""
    try:
        yield
    except AppError as error:
        raise ValidationError(error.message) from None


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ("username", "email", "roles", "active", "failed_attempts", "create_at")
    list_filter = (ActiveFilter, SystemAdminFilter)
    search_fields = ("username", "email", "first_name", "last_name", "nickname")
    fields = (
        "id",
        *USER_EDITABLE,
        "roles",
        "delete_at",
        "auth_service",
        "email_verified",
        "mfa_active",
        "is_bot",
        "failed_attempts",
        "last_failed_login_at",
        "last_password_update",
        "last_activity_at",
        "last_login",
        "create_at",
        "update_at",
    )
    readonly_fields = tuple(name for name in fields if name not in USER_EDITABLE)
    actions = (
        "deactivate",
        "activate",
        "revoke_sessions",
        "reset_lockout",
        "promote",
        "demote",
    )

    @admin.display(boolean=True, ordering="delete_at")
    def active(self, user: User) -> bool:
        return user.is_active

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            # The form has already changed ``obj``; the service compares with the stored row.
            user_patch(user=User.objects.get(pk=obj.pk), changes=changes)

    def _others(self, request: HttpRequest, queryset: QuerySet[User], what: str) -> QuerySet[User]:
        """The selection less the operator, who would lock themselves out of this site."""
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, f"You cannot {what} yourself here.", messages.WARNING)
        return queryset.exclude(pk=request.user.pk)

    @admin.action(description="Deactivate (ends their sessions)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = self._others(request, queryset, "deactivate").filter(delete_at=0)
        run_for_each(
            self, request, users, lambda u: user_set_active(user=u, active=False), "Deactivated"
        )

    @admin.action(description="Activate")
    def activate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = queryset.exclude(delete_at=0)
        run_for_each(
            self, request, users, lambda u: user_set_active(user=u, active=True), "Activated"
        )

    @admin.action(description="Revoke all sessions (log out everywhere)")
    def revoke_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda u: sessions_revoke_for_user(user_id=u.id),
            "Logged out everywhere",
        )

    @admin.action(description="Reset the login lockout")
    def reset_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        run_for_each(
            self, request, queryset, lambda u: user_reset_lockout(user=u), "Lockouts reset"
        )

    @admin.action(description="Promote to system admin")
    def promote(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = queryset.exclude(roles__contains=ROLE_SYSTEM_ADMIN)
        run_for_each(
            self,
            request,
            users,
            lambda u: user_set_system_admin(user=u, admin=True),
            "Made system admins",
        )

    @admin.action(description="Demote from system admin")
    def demote(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = self._others(request, queryset, "demote").filter(roles__contains=ROLE_SYSTEM_ADMIN)
        run_for_each(
            self,
            request,
            users,
            lambda u: user_set_system_admin(user=u, admin=False),
            "No longer system admins",
        )


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows the users' own clients write (through the API's rules): shown, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(ViewOnlyAdmin):
    """Login sessions; deleting one logs that device out (through ``session_revoke``)."""

    list_display = ("id", "user", "device_id", "create_at", "last_activity_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("id", "user__username", "user__email")
    fields = (
        "id",
        "user",
        "device_id",
        "roles",
        "is_oauth",
        "props",
        "create_at",
        "last_activity_at",
        "expires_at",
    )

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        session_revoke(session=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            session_revoke(session=session)


@admin.register(UserAccessToken)
class UserAccessTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API or ``manage.py token issue``, which show the secret
    once. Here they can be disabled, enabled or revoked, always through the services, which
    also end the sessions a token opened; so the form cannot flip ``is_active`` and rows are
    not deleted directly. Only the token's hash is stored, and it is never shown."""

    list_display = ("id", "user", "description", "is_active")
    list_select_related = ("user",)
    list_filter = ("is_active",)
    search_fields = ("id", "user__username", "description")
    fields = ("id", "user", "description", "is_active")
    readonly_fields = ("id", "user", "is_active")
    actions = ("disable", "enable", "revoke")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Disable the selected tokens")
    def disable(self, request: HttpRequest, queryset: QuerySet[UserAccessToken]) -> None:
        run_for_each(
            self, request, queryset, lambda t: access_token_disable(access_token=t), "Disabled"
        )

    @admin.action(description="Enable the selected tokens")
    def enable(self, request: HttpRequest, queryset: QuerySet[UserAccessToken]) -> None:
        run_for_each(
            self, request, queryset, lambda t: access_token_enable(access_token=t), "Enabled"
        )

    @admin.action(description="Revoke (delete) the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[UserAccessToken]) -> None:
        run_for_each(
            self, request, queryset, lambda t: access_token_revoke(access_token=t), "Revoked"
        )


@admin.register(Preference)
class PreferenceAdmin(ViewOnlyAdmin):
    """A user's client settings. Deleting one goes through ``preferences_delete``, so the
    user's clients hear of it and a favourite leaves the Favorites category."""

    list_display = ("user", "category", "name", "value")
    list_select_related = ("user",)
    list_filter = ("category",)
    search_fields = ("user__username", "category", "name")
    fields = ("user", "category", "name", "value")

    def delete_model(self, request: HttpRequest, obj: Preference) -> None:
        self.delete_queryset(request, Preference.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Preference]) -> None:
        by_user: dict[str, list[PreferenceData]] = {}
        for preference in queryset:
            by_user.setdefault(preference.user_id, []).append(
                PreferenceData(
                    user_id=preference.user_id,
                    category=preference.category,
                    name=preference.name,
                    value=preference.value,
                )
            )
        for user_id, preferences in by_user.items():
            preferences_delete(user_id=user_id, preferences=preferences)


@admin.register(Status)
class StatusAdmin(ViewOnlyAdmin):
    """Presence as the users' clients report it."""

    list_display = ("user", "status", "manual", "last_activity_at", "dnd_end_time")
    list_select_related = ("user",)
    list_filter = ("status", "manual")
    search_fields = ("user__username",)
    fields = ("user", "status", "manual", "prev_status", "last_activity_at", "dnd_end_time")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
