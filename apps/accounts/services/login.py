"""Password login: checks, lockout, and opening the session."""

from __future__ import annotations

import datetime

from django.conf import settings

from apps.accounts.models import (
    Session,
    User,
)
from apps.accounts.selectors import (
    user_for_login,
)
from apps.accounts.services.sessions import session_create
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.teams.selectors import team_member_get


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


def _in_team(user: User, team_id: str) -> bool:
    return bool(team_id) and team_member_get(team_id=team_id, user_id=user.id) is not None


def _locked_out(user: User, now: int) -> bool:
    config = settings.MATTERMOST
    if user.failed_attempts < config.maximum_login_attempts:
        return False
    minutes = config.login_lockout_minutes
    return minutes == 0 or now - user.last_failed_login_at < minutes * 60_000


def credentials_check(
    *, login_id: str, user_id: str, password: str, team_id: str | None = None
) -> User:
    """The user these credentials belong to, with the same checks, failed-attempt counting
    and lockout as an API login (the admin site signs in through here too).

    With ``team_id`` (API v1 logs into one team) only an active member of that team may
    log in ("" names no team: nobody may); anyone else gets the answer an unknown account
    gets."""
    if not password:
        raise _login_error(
            "login.blank_pwd.app_error", "A password is needed to log in.", status=400
        )
    user = user_for_login(login_id=login_id, user_id=user_id)
    if user is not None and team_id is not None and not _in_team(user, team_id):
        user = None
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
    return user


def login(
    *,
    login_id: str,
    user_id: str,
    password: str,
    device_id: str,
    props: dict[str, str],
    team_id: str | None = None,
) -> tuple[User, Session, str]:
    """Check a password login (see ``credentials_check``) and open a session. Returns the
    user, session and token."""
    user = credentials_check(login_id=login_id, user_id=user_id, password=password, team_id=team_id)
    if device_id:
        # A device holds one session: logging in again from it ends the older one.
        Session.objects.filter(user=user, device_id=device_id).delete()
    session, token = session_create(user=user, device_id=device_id, props=props)
    return user, session, token
