"""Reads of OAuth apps, codes and grants."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import Preference, hash_token
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.oauth.models import OAuthAccessData, OAuthApp, OAuthAuthorizationCode

# The preference category that records which apps a user authorized (name: the app id,
# value: the scope granted), as Mattermost keeps it.
PREFERENCE_AUTHORIZED_APP = "oauth_app"


def oauth_app_get(app_id: str) -> OAuthApp | None:
    return OAuthApp.objects.filter(pk=app_id).first() if is_valid_id(app_id) else None


def oauth_app_get_or_404(app_id: str) -> OAuthApp:
    app = oauth_app_get(app_id)
    if app is None:
        raise AppError("app.oauth.get_app.find.app_error", "No OAuth app has that id.", 404)
    return app


def oauth_apps_all() -> QuerySet[OAuthApp]:
    """Every app, oldest first."""
    return OAuthApp.objects.order_by("create_at", "id")


def oauth_apps_of_creator(user_id: str) -> QuerySet[OAuthApp]:
    return oauth_apps_all().filter(creator_id=user_id)


def oauth_apps_authorized_by(user_id: str) -> QuerySet[OAuthApp]:
    """The apps ``user_id`` has let act for them, by name."""
    authorized = Preference.objects.filter(
        user_id=user_id, category=PREFERENCE_AUTHORIZED_APP
    ).values("name")
    return OAuthApp.objects.filter(pk__in=authorized).order_by("name", "id")


def oauth_app_is_authorized(*, user_id: str, app_id: str) -> bool:
    return Preference.objects.filter(
        user_id=user_id, category=PREFERENCE_AUTHORIZED_APP, name=app_id
    ).exists()


def authorization_code_for_update(code: str) -> OAuthAuthorizationCode | None:
    """The code row, locked until the exchange commits, so a code is used only once even
    by two requests at the same time."""
    return (
        OAuthAuthorizationCode.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(code_hash=hash_token(code))
        .first()
    )


def access_data_for_update(refresh_token: str) -> OAuthAccessData | None:
    return (
        OAuthAccessData.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(refresh_token_hash=hash_token(refresh_token))
        .first()
    )
