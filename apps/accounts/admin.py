from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.accounts.models import ROLE_SYSTEM_ADMIN, Session, User, UserAccessToken
from apps.accounts.services import (
    access_token_disable,
    access_token_enable,
    access_token_revoke,
    sessions_revoke_for_user,
    user_reset_lockout,
    user_set_active,
)


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


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "email", "roles", "delete_at", "failed_attempts", "create_at")
    list_filter = (ActiveFilter, SystemAdminFilter)
    search_fields = ("username", "email", "first_name", "last_name", "nickname")
    readonly_fields = (
        "id",
        "create_at",
        "update_at",
        "password",
        "last_password_update",
        "failed_attempts",
        "last_failed_login_at",
    )
    exclude = ("mfa_secret",)
    actions = ("deactivate", "activate", "reset_lockout", "revoke_sessions")

    @admin.action(description="Deactivate (ends their sessions)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_set_active(user=user, active=False)

    @admin.action(description="Activate")
    def activate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_set_active(user=user, active=True)

    @admin.action(description="Reset the login lockout")
    def reset_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_reset_lockout(user=user)

    @admin.action(description="Revoke all sessions (log out everywhere)")
    def revoke_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            sessions_revoke_for_user(user_id=user.id)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "create_at", "last_activity_at", "expires_at", "device_id")
    list_select_related = ("user",)
    search_fields = ("user__username", "id")
    readonly_fields = ("id", "create_at", "user", "props", "roles")
    exclude: ClassVar[list[str]] = ["token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(UserAccessToken)
class UserAccessTokenAdmin(admin.ModelAdmin):
    """Tokens are created through the API, which shows the secret once. Here they can be
    disabled, enabled or revoked, always through the services, which also end the sessions
    a token opened; so the form cannot flip ``is_active`` and rows are not deleted directly."""

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
        for access_token in queryset:
            access_token_disable(access_token=access_token)

    @admin.action(description="Enable the selected tokens")
    def enable(self, request: HttpRequest, queryset: QuerySet[UserAccessToken]) -> None:
        for access_token in queryset:
            access_token_enable(access_token=access_token)

    @admin.action(description="Revoke (delete) the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[UserAccessToken]) -> None:
        for access_token in queryset:
            access_token_revoke(access_token=access_token)
