"""The operator's view of OAuth apps and of what users granted them. Deleting either goes
through the services, so the sessions the app holds end with it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.oauth.models import OAuthAccessData, OAuthApp
from apps.oauth.services import oauth_app_deauthorize, oauth_app_delete


@admin.register(OAuthApp)
class OAuthAppAdmin(admin.ModelAdmin):
    list_display = ("name", "id", "creator", "is_trusted", "create_at")
    list_filter = ("is_trusted",)
    search_fields = ("name", "id", "creator__username")
    list_select_related = ("creator",)
    raw_id_fields = ("creator",)
    readonly_fields = ("id", "create_at", "update_at", "client_secret")

    def delete_model(self, request: HttpRequest, obj: OAuthApp) -> None:
        oauth_app_delete(app=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OAuthApp]) -> None:
        for app in queryset:
            oauth_app_delete(app=app)


@admin.register(OAuthAccessData)
class OAuthAccessDataAdmin(admin.ModelAdmin):
    """Grants are made by users only; the operator may look at them and revoke one."""

    list_display = ("app", "user", "scope", "expires_at")
    search_fields = ("app__name", "user__username")
    list_select_related = ("app", "user")
    readonly_fields = ("app", "user", "session", "redirect_uri", "expires_at", "scope")
    exclude = ("refresh_token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: OAuthAccessData) -> None:
        oauth_app_deauthorize(user_id=obj.user_id, app_id=obj.app_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OAuthAccessData]) -> None:
        for grant in queryset:
            oauth_app_deauthorize(user_id=grant.user_id, app_id=grant.app_id)
