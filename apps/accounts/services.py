"""Every write to users and sessions."""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts import images, validators
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


# Account state (operator tools)


def user_set_active(*, user: User, active: bool) -> User:
    """Activate or deactivate an account (``delete_at``). Deactivating also ends every
    session of the user, so their tokens stop working at once."""
    now = now_ms()
    with transaction.atomic():
        user.delete_at = 0 if active else now
        user.update_at = now
        user.save(update_fields=["delete_at", "update_at"])
        if not active:
            Session.objects.filter(user=user).delete()
    return user


def user_set_password(*, user: User, password: str, end_sessions: bool = True) -> User:
    """Set a new password after checking it; by default also ends the user's sessions."""
    validators.validate_password(password)
    now = now_ms()
    with transaction.atomic():
        user.set_password(password)
        user.last_password_update = now
        user.update_at = now
        user.save(update_fields=["password", "last_password_update", "update_at"])
        if end_sessions:
            Session.objects.filter(user=user).delete()
    return user


# Profile images


def user_set_profile_image(*, user: User, upload: IO[bytes]) -> None:
    """Store an uploaded picture as the user's 128x128 PNG and date the change, which is
    what the picture's ETag and the clients' cache-busting URLs follow."""
    try:
        png = images.profile_png_from_upload(upload)
    except images.ImageLimitError as exc:
        raise AppError(
            "api.user.upload_profile_user.check_image_limits.app_error",
            "The file is not an image we can read, or it has too many pixels.",
            400,
            str(exc),
        ) from None
    except images.ImageDecodeError as exc:
        raise AppError(
            "api.user.upload_profile_user.decode.app_error",
            "The image data is damaged and could not be decoded.",
            400,
            str(exc),
        ) from None
    if images.read_profile_image(user.id) == png:
        return  # the same picture again: keep the date so cached copies stay valid
    images.write_profile_image(user.id, png)
    now = now_ms()
    user.last_picture_update = now
    user.update_at = now
    user.save(update_fields=["last_picture_update", "update_at"])


def user_remove_profile_image(*, user: User) -> None:
    """Back to the generated picture. As in Mattermost, ``last_picture_update`` returns to
    0, which clients read as "no picture of one's own"; the ETag changes with it."""
    images.delete_profile_image(user.id)
    user.last_picture_update = 0
    user.update_at = now_ms()
    user.save(update_fields=["last_picture_update", "update_at"])
