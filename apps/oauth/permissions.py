"""Who may manage which OAuth app, as Mattermost decides it."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_system_permission
from apps.core.errors import AppError, permission_denied
from apps.oauth.models import OAuthApp

MANAGE_OAUTH = "manage_oauth"
MANAGE_SYSTEM_WIDE_OAUTH = "manage_system_wide_oauth"
# Only those who manage the system may mark an app trusted (its users skip the consent).
MANAGE_SYSTEM = "manage_system"


def oauth_disabled() -> AppError:
    return AppError(
        "api.oauth.allow_oauth.turn_off.app_error",
        "The system administrator has turned off the OAuth 2.0 service provider.",
        501,
    )


def require_oauth_enabled() -> None:
    if not settings.MATTERMOST.enable_oauth_service_provider:
        raise oauth_disabled()


def require_manage_oauth(user: User) -> None:
    require_system_permission(user, MANAGE_OAUTH)


def may_manage_every_app(user: User) -> bool:
    return has_system_permission(user, MANAGE_SYSTEM_WIDE_OAUTH)


def may_trust_apps(user: User) -> bool:
    return has_system_permission(user, MANAGE_SYSTEM)


def require_manage_app(user: User, app: OAuthApp) -> None:
    """An app's creator manages it; anybody else needs ``manage_system_wide_oauth``."""
    if app.creator_id != user.id and not may_manage_every_app(user):
        raise permission_denied(user.id, MANAGE_SYSTEM_WIDE_OAUTH)
