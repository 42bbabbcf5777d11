from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.accounts.models import Session, User
from apps.accounts.services import user_reset_lockout


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "email", "roles", "delete_at", "failed_attempts", "create_at")
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
    actions = ("reset_lockout",)

    @admin.action(description="Reset the login lockout")
    def reset_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_reset_lockout(user=user)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "create_at", "last_activity_at", "expires_at", "device_id")
    list_select_related = ("user",)
    search_fields = ("user__username", "id")
    readonly_fields = ("id", "create_at", "user", "props", "roles")
    exclude: ClassVar[list[str]] = ["token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False
