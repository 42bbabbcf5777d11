"""Users and sessions as Mattermost 1.4 serialised them.

A 1.x user belonged to one team: ``team_id`` is the team the answer is about (the
session's, or the one in the URL) and ``roles`` is one of "" (member), "admin" (admin of
that team) or "system_admin". Fields 1.x left out when empty are left out here too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.accounts.models import Session, User

SYSTEM_ADMIN = "system_admin"
TEAM_ADMIN = "admin"
# 1.x notification settings and their defaults (``mention_keys`` defaults to the name).
NOTIFY_DEFAULTS = {
    "all": "true",
    "channel": "true",
    "desktop": "all",
    "desktop_sound": "true",
    "email": "true",
    "first_name": "false",
}
# Fields of a 1.x user that are left out while they hold their zero value.
OMIT_WHEN_EMPTY = (
    "email_verified",
    "last_activity_at",
    "allow_marketing",
    "props",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
)
# Session props shown to clients (1.x had only these; ours also hold secrets).
SESSION_PROPS = ("platform", "os", "browser")


def v1_roles(user: User, *, team_admin: bool) -> str:
    if user.is_system_admin:
        return SYSTEM_ADMIN
    return TEAM_ADMIN if team_admin else ""


def v1_notify_props(user: User) -> dict[str, str]:
    """The 1.x notification settings of ``user``: their stored values, 1.x's defaults for
    the keys only 1.x had, and their name as mention keys when they chose none (names
    always mention a user here)."""
    stored = user.notify_props or {}
    props = {key: str(stored.get(key, default)) for key, default in NOTIFY_DEFAULTS.items()}
    props["mention_keys"] = str(stored.get("mention_keys") or f"{user.username},@{user.username}")
    return dict(sorted(props.items()))


def v1_user(user: User, *, team_id: str, team_admin: bool) -> dict[str, Any]:
    """The user as they see themselves (login, ``users/me``): everything but secrets."""
    data: dict[str, Any] = {
        "id": user.id,
        "create_at": user.create_at,
        "update_at": user.update_at,
        "delete_at": user.delete_at,
        "team_id": team_id,
        "username": user.username,
        "auth_service": user.auth_service,
        "email": user.email,
        "email_verified": user.email_verified,
        "nickname": user.nickname,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": v1_roles(user, team_admin=team_admin),
        "last_activity_at": user.last_activity_at,
        "allow_marketing": user.allow_marketing,
        "props": user.props,
        "notify_props": v1_notify_props(user),
        "last_password_update": user.last_password_update,
        "last_picture_update": user.last_picture_update,
        "failed_attempts": user.failed_attempts,
    }
    for key in OMIT_WHEN_EMPTY:
        if not data[key]:
            del data[key]
    return data


def v1_profile(user: User, *, team_id: str, team_admin: bool, viewer: User) -> dict[str, Any]:
    """A team member as the profile lists show them: no timestamps, settings or secrets,
    and the email and full name only as the privacy settings (or admin rights) allow."""
    config = settings.MATTERMOST
    admin = viewer.is_system_admin
    data: dict[str, Any] = {
        "id": user.id,
        "delete_at": user.delete_at,
        "team_id": team_id,
        "username": user.username,
        "auth_service": user.auth_service,
        "email": user.email if admin or config.show_email_address else "",
        "nickname": user.nickname,
        "first_name": user.first_name if admin or config.show_full_name else "",
        "last_name": user.last_name if admin or config.show_full_name else "",
        "roles": v1_roles(user, team_admin=team_admin),
    }
    if user.last_activity_at:
        data["last_activity_at"] = user.last_activity_at
    return data


def v1_session(session: Session, *, team_id: str, roles: str) -> dict[str, Any]:
    """A session as listed to its user: never the token (only its hash is stored)."""
    return {
        "id": session.id,
        "token": "",
        "create_at": session.create_at,
        "expires_at": session.expires_at,
        "last_activity_at": session.last_activity_at,
        "user_id": session.user_id,
        "team_id": team_id,
        "device_id": session.device_id,
        "roles": roles,
        "is_oauth": session.is_oauth,
        "props": {key: session.props[key] for key in SESSION_PROPS if key in session.props},
    }
