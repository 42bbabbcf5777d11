"""User, session and access-token JSON as API v4 sends it. Plain functions: one dict per
row, no per-row queries."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.accounts.models import Session, User, UserAccessToken
from apps.core.etag import make_etag


def _drop_empty(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Mattermost omits these fields when they hold their zero value."""
    for key in keys:
        if not data.get(key):
            data.pop(key, None)
    return data


OMIT_WHEN_EMPTY = (
    "email_verified",
    "allow_marketing",
    "props",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
    "mfa_active",
    "is_bot",
    "bot_description",
    "bot_last_icon_update",
    "last_activity_at",
)


def user_for_self(user: User) -> dict[str, Any]:
    """The user as they see themselves: everything but secrets."""
    data: dict[str, Any] = {
        "id": user.id,
        "create_at": user.create_at,
        "update_at": user.update_at,
        "delete_at": user.delete_at,
        "username": user.username,
        "auth_data": "",
        "auth_service": user.auth_service,
        "email": user.email,
        "email_verified": user.email_verified,
        "nickname": user.nickname,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "position": user.position,
        "roles": user.roles,
        "allow_marketing": user.allow_marketing,
        "props": user.props,
        "notify_props": user.notify_props,
        "last_password_update": user.last_password_update,
        "last_picture_update": user.last_picture_update,
        "failed_attempts": user.failed_attempts,
        "locale": user.locale,
        "timezone": user.timezone,
        "mfa_active": user.mfa_active,
        "is_bot": user.is_bot,
        "bot_description": user.bot_description,
        "bot_last_icon_update": user.bot_last_icon_update,
        "last_activity_at": user.last_activity_at,
        "disable_welcome_email": user.disable_welcome_email,
    }
    return _drop_empty(data, OMIT_WHEN_EMPTY)


def user_for_viewer(user: User, viewer: User) -> dict[str, Any]:
    """The user as ``viewer`` may see them: themselves in full, others as
    ``user_for_others`` shows them."""
    if user.id == viewer.id:
        return user_for_self(user)
    return user_for_others(user, admin=viewer.is_system_admin)


def user_for_others(user: User, *, admin: bool) -> dict[str, Any]:
    """The user as someone else sees them: without private fields, and with email and full
    name only as the privacy settings (or the viewer's ``admin`` rights) allow."""
    config = settings.MATTERMOST
    data = user_for_self(user)
    for private in (
        "email_verified",
        "allow_marketing",
        "last_password_update",
        "failed_attempts",
    ):
        data.pop(private, None)
    if not admin:
        data["notify_props"] = {}
        data["auth_service"] = ""
    if not (admin or config.show_email_address):
        data["email"] = ""
    if not (admin or config.show_full_name):
        data["first_name"] = ""
        data["last_name"] = ""
    return data


def user_etag(user: User) -> str:
    config = settings.MATTERMOST
    # id, update time, terms-of-service id and time, privacy switches, bot icon time
    return make_etag(
        user.id, user.update_at, "", 0, config.show_full_name, config.show_email_address, 0
    )


def bot_json(bot: User) -> dict[str, Any]:
    """A bot as the bots routes answer it, read from its user row."""
    return {
        "user_id": bot.id,
        "username": bot.username,
        "display_name": bot.first_name,
        "description": bot.bot_description,
        "owner_id": bot.bot_owner_id,
        "create_at": bot.create_at,
        "update_at": bot.update_at,
        "delete_at": bot.delete_at,
    }


def bot_etag(bot: User) -> str:
    return make_etag(bot.id, bot.update_at)


# Sessions and personal access tokens


def session_json(session: Session) -> dict[str, Any]:
    """A session as listed to its user or an admin: the token is never included (we could
    not: only its hash is stored), and team memberships are not attached to listed sessions."""
    return {
        "id": session.id,
        "token": "",
        "create_at": session.create_at,
        "expires_at": session.expires_at,
        "last_activity_at": session.last_activity_at,
        "user_id": session.user_id,
        "device_id": session.device_id,
        "roles": session.roles,
        "is_oauth": session.is_oauth,
        "expired_notify": session.expired_notify,
        "props": session.props,
        "team_members": [],
        "local": False,
    }


def access_token_json(access_token: UserAccessToken, token: str = "") -> dict[str, Any]:
    """A personal access token. ``token`` is given only in the reply to its creation; every
    other reply leaves the field out."""
    data: dict[str, Any] = {"id": access_token.id}
    if token:
        data["token"] = token
    data.update(
        user_id=access_token.user_id,
        description=access_token.description,
        is_active=access_token.is_active,
    )
    return data
