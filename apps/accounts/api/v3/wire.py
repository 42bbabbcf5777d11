"""User, session and status JSON as the last v3 server (Mattermost 4.10) wrote them: its
field order, its empty fields left out, none of the fields v4 added later (``is_bot``,
``disable_welcome_email`` ...). Plain functions, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.accounts.models import Session, Status, User
from apps.accounts.permissions import has_system_permission
from apps.core.api.v3.params import go_map, v3_etag

# Fields Go left out while they held their zero value.
OMIT_WHEN_EMPTY = (
    "email_verified",
    "allow_marketing",
    "props",
    "notify_props",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
    "mfa_active",
)

# The notification settings 4.10 knew. Later ones (``desktop_threads`` ...) stay out of v3
# answers; the v3 writes merge into the stored settings, so they survive a v3 client's save.
V3_NOTIFY_PROPS = frozenset(
    {
        "auto_responder_active",
        "auto_responder_message",
        "channel",
        "comments",
        "desktop",
        "desktop_sound",
        "email",
        "first_name",
        "mention_keys",
        "push",
        "push_status",
    }
)


def v3_notify_props(notify_props: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in notify_props.items() if key in V3_NOTIFY_PROPS}


def user_json(user: User) -> dict[str, Any]:
    """The user as they see themselves (login, me, sign-up, updates): everything but the
    secrets. ``auth_data`` is always present and empty."""
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
        "notify_props": v3_notify_props(user.notify_props),
        "last_password_update": user.last_password_update,
        "last_picture_update": user.last_picture_update,
        "failed_attempts": user.failed_attempts,
        "locale": user.locale,
        "timezone": user.timezone,
        "mfa_active": user.mfa_active,
    }
    for key in OMIT_WHEN_EMPTY:
        if not data[key]:
            del data[key]
    return data


@dataclass(frozen=True)
class ProfileRules:
    """What a viewer may see of other users' profiles: the privacy settings decide the
    email address and full name; those who manage the system see everything."""

    email: bool
    full_name: bool
    auth_service: bool
    viewer_id: str


def profile_rules(viewer: User) -> ProfileRules:
    if has_system_permission(viewer, "manage_system"):
        return ProfileRules(email=True, full_name=True, auth_service=True, viewer_id=viewer.id)
    config = settings.MATTERMOST
    return ProfileRules(
        email=config.show_email_address,
        full_name=config.show_full_name,
        auth_service=False,
        viewer_id=viewer.id,
    )


# A profile never shows these, whoever looks.
NOT_IN_PROFILES = (
    "email_verified",
    "allow_marketing",
    "notify_props",
    "last_password_update",
    "failed_attempts",
)


def profile_json(user: User, rules: ProfileRules) -> dict[str, Any]:
    """The user as a profile in lists, searches and lookups. One's own email address and
    name are always shown."""
    data = user_json(user)
    for key in NOT_IN_PROFILES:
        data.pop(key, None)
    own = user.id == rules.viewer_id
    if not (rules.email or own):
        data["email"] = ""
    if not (rules.full_name or own):
        data["first_name"] = data["last_name"] = ""
    if not rules.auth_service:
        data["auth_service"] = ""
    return data


def profile_list_json(users: Iterable[User], viewer: User) -> list[dict[str, Any]]:
    rules = profile_rules(viewer)
    return [profile_json(user, rules) for user in users]


def profile_map_json(users: Iterable[User], viewer: User) -> dict[str, dict[str, Any]]:
    """Profiles keyed by user id, as v3's user maps are."""
    rules = profile_rules(viewer)
    return go_map({user.id: profile_json(user, rules) for user in users})


def privacy_etag_parts() -> tuple[bool, bool]:
    """(full names shown, emails shown): a cached profile is stale when these change."""
    config = settings.MATTERMOST
    return config.show_full_name, config.show_email_address


def user_etag(user: User) -> str:
    return v3_etag(user.id, user.update_at, *privacy_etag_parts())


def session_json(session: Session) -> dict[str, Any]:
    """A session as listed to its user. Its token is never shown (only a hash is stored),
    and listed sessions carry no team memberships (``null``)."""
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
        "props": session.props,
        "team_members": None,
    }


def status_map_json(statuses: Iterable[Status]) -> dict[str, str]:
    return go_map({status.user_id: status.status for status in statuses})
