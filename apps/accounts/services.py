"""Every write to users and sessions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts import validators
from apps.accounts.models import ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER, Session, User, hash_token
from apps.accounts.selectors import user_for_login, users_exist
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import publish
from apps.core.ids import new_id

PROFILE_FIELDS = ("nickname", "first_name", "last_name", "position", "locale")


def _taken(field: str) -> AppError:
    return AppError(
        f"app.user.save.{field}_exists.app_error",
        f"An account with that {field} already exists.",
        400,
    )


def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    roles: str | None = None,
    **fields: Any,
) -> User:
    """Create an account after checking every field. The first account ever created is
    the system admin; ``roles`` overrides that (used by admin tooling)."""
    username = validators.normalize_username(username)
    email = validators.normalize_email(email)
    validators.validate_username(username)
    validators.validate_email(email)
    if password is not None:
        validators.validate_password(password)
    for field in PROFILE_FIELDS:
        if field in fields:
            validators.validate_profile_field(field, fields[field])
    if roles is None:
        first = not users_exist()
        roles = f"{ROLE_SYSTEM_ADMIN} {ROLE_SYSTEM_USER}" if first else ROLE_SYSTEM_USER
    now = now_ms()
    user = User(username=username, email=email, roles=roles, create_at=now, update_at=now, **fields)
    if password:
        user.set_password(password)
        user.last_password_update = now
    else:
        user.set_unusable_password()
    if User.objects.filter(username=username).exists():
        raise _taken("username")
    if User.objects.filter(email=email).exists():
        raise _taken("email")
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # Lost a race with a concurrent sign-up of the same name or address.
        taken = "username" if User.objects.filter(username=username).exists() else "email"
        raise _taken(taken) from None
    publish("new_user", {"user_id": user.id})
    return user


# Login


def _login_error(suffix: str, message: str, status: int = 401) -> AppError:
    return AppError(f"api.user.{suffix}", message, status)


def invalid_credentials() -> AppError:
    """The one error for every wrong-user or wrong-password case, so a login attempt does
    not reveal which accounts exist."""
    config = settings.MATTERMOST
    if config.enable_sign_in_with_email and config.enable_sign_in_with_username:
        suffix = "email_username"
    elif config.enable_sign_in_with_email:
        suffix = "email"
    else:
        suffix = "username"
    return _login_error(
        f"login.invalid_credentials_{suffix}", "The login name or the password is wrong."
    )


def _locked_out(user: User, now: int) -> bool:
    config = settings.MATTERMOST
    if user.failed_attempts < config.maximum_login_attempts:
        return False
    minutes = config.login_lockout_minutes
    return minutes == 0 or now - user.last_failed_login_at < minutes * 60_000


def login(
    *, login_id: str, user_id: str, password: str, device_id: str, props: dict[str, str]
) -> tuple[User, Session, str]:
    """Check a password login and open a session. Returns the user, session and token."""
    if not password:
        raise _login_error(
            "login.blank_pwd.app_error", "A password is needed to log in.", status=400
        )
    user = user_for_login(login_id=login_id, user_id=user_id)
    if user is None:
        User().set_password(password)  # spend the same time as for a real account
        raise invalid_credentials()
    if not user.is_active:
        raise _login_error("login.inactive.app_error", "This account has been deactivated.")
    if user.is_bot:
        raise _login_error(
            "login.bot_login_forbidden.app_error", "Bot accounts cannot log in with a password."
        )
    now = now_ms()
    if _locked_out(user, now):
        raise _login_error(
            "check_user_login_attempts.too_many.app_error",
            "Too many failed logins: this account is locked for now.",
        )
    if not user.check_password(password):
        expired = user.failed_attempts >= settings.MATTERMOST.maximum_login_attempts
        user.failed_attempts = 1 if expired else user.failed_attempts + 1
        user.last_failed_login_at = now
        user.save(update_fields=["failed_attempts", "last_failed_login_at"])
        raise invalid_credentials()
    user.failed_attempts = 0
    user.last_login = datetime.datetime.now(tz=datetime.UTC)
    user.save(update_fields=["failed_attempts", "last_login"])
    if device_id:
        # A device holds one session: logging in again from it ends the older one.
        Session.objects.filter(user=user, device_id=device_id).delete()
    session, token = session_create(user=user, device_id=device_id, props=props)
    return user, session, token


def user_reset_lockout(*, user: User) -> None:
    user.failed_attempts = 0
    user.last_failed_login_at = 0
    user.save(update_fields=["failed_attempts", "last_failed_login_at"])


def session_create(
    *, user: User, device_id: str = "", props: dict[str, str] | None = None
) -> tuple[Session, str]:
    """A new login session for ``user``. Returns it with its bearer token, which is not
    stored anywhere and cannot be recovered later."""
    token = new_id()
    now = now_ms()
    lifetime_ms = settings.MATTERMOST.session_length_web_in_hours * 3600 * 1000
    session = Session.objects.create(
        token_hash=hash_token(token),
        user=user,
        create_at=now,
        last_activity_at=now,
        expires_at=now + lifetime_ms,
        device_id=device_id,
        roles=user.roles,
        props={"csrf": new_id(), **(props or {})},
    )
    return session, token


def session_revoke(*, session: Session) -> None:
    Session.objects.filter(pk=session.pk).delete()


# Editing users

# Profile fields a user (or an admin on their behalf) may change, with their validators.
EDITABLE_TEXT = ("username", "email", "nickname", "first_name", "last_name", "position", "locale")
EDITABLE_MAPS = ("props", "notify_props", "timezone")


def _announce_user(user: User) -> None:
    publish("user_updated", {"user_id": user.id})


def user_patch(*, user: User, changes: dict[str, Any]) -> User:
    """Apply profile changes (already type-checked) after validating each one."""
    if "username" in changes:
        changes["username"] = validators.normalize_username(changes["username"])
        validators.validate_username(changes["username"])
        taken = User.objects.filter(username=changes["username"]).exclude(pk=user.pk)
        if taken.exists():
            raise _taken("username")
    if "email" in changes:
        changes["email"] = validators.normalize_email(changes["email"])
        validators.validate_email(changes["email"])
        if User.objects.filter(email=changes["email"]).exclude(pk=user.pk).exists():
            raise _taken("email")
    for field in PROFILE_FIELDS:
        if field in changes:
            validators.validate_profile_field(field, changes[field])
    for field, value in changes.items():
        setattr(user, field, value)
    user.update_at = now_ms()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise _taken("username") from None
    _announce_user(user)
    return user


def user_set_active(*, user: User, active: bool) -> User:
    """Deactivate (soft delete) or reactivate an account. Deactivation ends every session."""
    if active == user.is_active:
        return user
    now = now_ms()
    user.delete_at = 0 if active else now
    user.update_at = now
    with transaction.atomic():
        user.save(update_fields=["delete_at", "update_at"])
        if not active:
            sessions_revoke_for_user(user=user)
    _announce_user(user)
    return user


def user_set_roles(*, user: User, roles: str) -> User:
    user.roles = roles
    user.update_at = now_ms()
    with transaction.atomic():
        user.save(update_fields=["roles", "update_at"])
        # Sessions carry a copy of the roles; keep them in step.
        for session in Session.objects.filter(user=user):
            session.roles = roles
            session.save(update_fields=["roles"])
    _announce_user(user)
    return user


def user_set_password(*, user: User, password: str, keep: Session | None = None) -> None:
    """Set a new password and end the user's sessions, except ``keep`` (the caller's own
    session when users change their own password)."""
    validators.validate_password(password)
    now = now_ms()
    user.set_password(password)
    user.last_password_update = now
    user.update_at = now
    user.failed_attempts = 0
    with transaction.atomic():
        user.save(
            update_fields=["password", "last_password_update", "update_at", "failed_attempts"]
        )
        sessions_revoke_for_user(user=user, keep=keep)


def sessions_revoke_for_user(*, user: User, keep: Session | None = None) -> None:
    sessions = Session.objects.filter(user=user)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    sessions.delete()
