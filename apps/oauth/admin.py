"""The operator's view of OAuth apps and of what users granted them. Deleting either goes
through the services, so the sessions the app holds end with it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.errors import AppError
from apps.oauth.models import OAuthAccessData, OAuthApp
from apps.oauth.services import oauth_app_deauthorize, oauth_app_delete
from apps.oauth.validators import AppFields, validate_app_fields

APP_TEXT_FIELDS = ("name", "description", "icon_url", "homepage", "mattermost_app_id")


class OAuthAppForm(forms.ModelForm):
    """The API's checks of an app's fields: the consent page shows the icon and links the
    homepage, so neither may be anything but an http(s) URL."""

    class Meta:
        model = OAuthApp
        fields = ("creator", *APP_TEXT_FIELDS, "callback_urls", "is_trusted")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        callbacks = cleaned.get("callback_urls")
        if not isinstance(callbacks, list) or not all(isinstance(url, str) for url in callbacks):
            raise forms.ValidationError("The callback URLs must be a JSON list of URLs.")
        fields = AppFields(
            **{name: cleaned.get(name, "") for name in APP_TEXT_FIELDS},
            callback_urls=callbacks,
            is_trusted=bool(cleaned.get("is_trusted")),
        )
        try:
            validate_app_fields(fields)
        except AppError as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(OAuthApp)
class OAuthAppAdmin(admin.ModelAdmin):
    form = OAuthAppForm
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
