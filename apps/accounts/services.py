"""Every write to users and sessions."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts import validators
from apps.accounts.models import (
    ROLE_SYSTEM_ADMIN,
    ROLE_SYSTEM_GUEST,
    ROLE_SYSTEM_USER,
    Session,
    User,
    UserAccessToken,
    hash_token,
)
from apps.accounts.selectors import (
    access_token_get_by_token,
    session_get,
    session_remember,
    user_for_login,
    users_exist,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError, invalid_url_param
from apps.core.events import publish
from apps.core.ids import is_valid_id, new_id

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


# Sessions and personal access tokens

# A personal access token's session lasts as long as the token: Mattermost gives it 100 years.
ACCESS_TOKEN_SESSION_LIFETIME_MS = 100 * 365 * 24 * 3600 * 1000
SESSION_TYPE_ACCESS_TOKEN = "UserAccessToken"
MAX_TOKEN_DESCRIPTION_BYTES = 255


def session_revoke_of_user(*, user_id: str, session_id: str) -> None:
    """End one session, which must belong to ``user_id``."""
    session = session_get(session_id) if is_valid_id(session_id) else None
    if session is None:
        raise AppError("app.session.get.app_error", "No session has that id.", 400)
    if session.user_id != user_id:
        raise invalid_url_param("user_id")
    session_revoke(session=session)


def sessions_revoke_all_of_user(*, user_id: str) -> None:
    """End every session of a user, the caller's own included."""
    Session.objects.filter(user_id=user_id).delete()


def sessions_revoke_everyone() -> None:
    Session.objects.all().delete()


def sessions_remove_expired(*, now: int | None = None) -> int:
    """Delete the sessions that have expired; returns how many."""
    expired = Session.objects.filter(expires_at__lt=now or now_ms()).exclude(expires_at=0)
    _, per_model = expired.delete()
    return per_model.get(Session._meta.label, 0)


def session_attach_device(*, session: Session, device_id: str, props: dict[str, str]) -> None:
    """Record the mobile device a session runs on (ending the user's other sessions on that
    device, which holds one session at a time) and merge ``props`` into the session's."""
    with transaction.atomic():
        current = Session.objects.select_for_update().filter(pk=session.pk).first()
        if current is None:
            return  # revoked meanwhile; nothing left to update
        if device_id:
            Session.objects.filter(user_id=current.user_id, device_id=device_id).exclude(
                pk=current.pk
            ).delete()
            current.device_id = device_id
        current.props = {**current.props, **props}
        current.save(update_fields=["device_id", "props"])


def access_token_create(*, user: User, description: str) -> tuple[UserAccessToken, str]:
    """A new personal access token for ``user``. Returns it with the token itself, which is
    not stored anywhere and cannot be shown again."""
    if not settings.MATTERMOST.enable_user_access_tokens:
        raise AppError(
            "app.user_access_token.disabled",
            "Personal access tokens are switched off on this server.",
            501,
        )
    if len(description.encode()) > MAX_TOKEN_DESCRIPTION_BYTES:
        raise AppError(
            "model.user_access_token.is_valid.description.app_error",
            f"A token description may be at most {MAX_TOKEN_DESCRIPTION_BYTES} bytes long.",
            400,
        )
    token = new_id()
    access_token = UserAccessToken.objects.create(
        token_hash=hash_token(token), user=user, description=description
    )
    return access_token, token


def _end_access_token_sessions(access_token: UserAccessToken) -> None:
    Session.objects.filter(token_hash=access_token.token_hash).delete()


# Revoking and disabling write the token row before ending its sessions: the row lock makes
# a concurrent first use (access_token_session_open) either finish first, so its session is
# ended here, or wait and then find the token unusable.


def access_token_revoke(*, access_token: UserAccessToken) -> None:
    """Delete the token; it stops working at once."""
    with transaction.atomic():
        access_token.delete()
        _end_access_token_sessions(access_token)


def access_token_disable(*, access_token: UserAccessToken) -> None:
    """Keep the token but stop it working (at once) until it is enabled again."""
    with transaction.atomic():
        access_token.is_active = False
        access_token.save(update_fields=["is_active"])
        _end_access_token_sessions(access_token)


def access_token_enable(*, access_token: UserAccessToken) -> None:
    access_token.is_active = True
    access_token.save(update_fields=["is_active"])


def access_token_session_open(*, token: str) -> Session | None:
    """The session for a personal access token presented for the first time (no session row
    has its hash yet), or None when ``token`` is no usable access token. The session shares
    the token's hash, so later requests find it like any login session, from the cache."""
    if not settings.MATTERMOST.enable_user_access_tokens:
        return None
    access_token = access_token_get_by_token(token)
    if access_token is None or not access_token.is_active:
        return None
    user = access_token.user
    if not user.is_active:
        return None
    now = now_ms()
    props = {
        "type": SESSION_TYPE_ACCESS_TOKEN,
        "user_access_token_id": access_token.id,
        "is_guest": "true" if ROLE_SYSTEM_GUEST in user.role_names else "false",
    }
    if user.is_bot:
        props["is_bot"] = "true"
    try:
        with transaction.atomic():
            still_usable = UserAccessToken.objects.select_for_update().filter(
                pk=access_token.pk, is_active=True
            )
            if not list(still_usable.values_list("pk", flat=True)):
                return None  # disabled or revoked since it was read above
            session = Session.objects.create(
                token_hash=access_token.token_hash,
                user_id=user.id,
                create_at=now,
                last_activity_at=now,
                expires_at=now + ACCESS_TOKEN_SESSION_LIFETIME_MS,
                roles=user.roles,
                props=props,
            )
    except IntegrityError:
        # A concurrent request with the same token opened the session first.
        existing = Session.objects.filter(token_hash=access_token.token_hash).first()
        return None if existing is None or existing.is_expired() else existing
    session_remember(session)
    return session
