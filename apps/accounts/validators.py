"""Field rules for users, with Mattermost's error ids. Each raises AppError (400)."""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.conf import settings

from apps.core.errors import AppError
from apps.core.roles import SYSTEM_ADMIN, SYSTEM_ROLES

USERNAME_RE = re.compile(r"^[a-z0-9.\-_]+$")
RESERVED_USERNAMES = frozenset({"all", "channel", "matterbot", "system"})
PASSWORD_MAX_BYTES = 72
FIELD_LIMITS = {"nickname": 64, "first_name": 64, "last_name": 64, "position": 128, "locale": 5}


def _invalid(field: str, message: str) -> AppError:
    return AppError(f"model.user.is_valid.{field}.app_error", message, 400)


def normalize_username(raw: str) -> str:
    return raw.strip().lower()


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def validate_username(username: str) -> None:
    if (
        not 1 <= len(username) <= 64
        or not USERNAME_RE.match(username)
        or username in RESERVED_USERNAMES
    ):
        raise _invalid(
            "username",
            "Usernames are 1 to 64 lower-case letters, digits, '.', '-' or '_', "
            "and may not be a reserved word.",
        )


def validate_email(email: str) -> None:
    name, address = parseaddr(email)
    if (
        not email
        or len(email) > 128
        or name
        or address != email
        or email.count("@") != 1
        or email != email.lower()
        or " " in email
        or not all(email.split("@"))
    ):
        raise _invalid("email", "The email address is not valid.")


def validate_password(password: str) -> None:
    size = len(password.encode())
    minimum = settings.MATTERMOST.password_minimum_length
    if size < minimum:
        raise AppError(
            "model.user.is_valid.pwd_min_length.app_error",
            f"Passwords need at least {minimum} characters.",
            400,
        )
    if size > PASSWORD_MAX_BYTES:
        raise AppError(
            "model.user.is_valid.pwd_max_length.app_error",
            f"Passwords may not be longer than {PASSWORD_MAX_BYTES} bytes.",
            400,
        )


def validate_profile_field(field: str, value: str) -> None:
    limit = FIELD_LIMITS[field]
    if len(value) > limit:
        raise _invalid(field, f"The {field} may be at most {limit} characters long.")


def system_roles_normalized(roles: str) -> str | None:
    """``roles`` (space-separated) without repeats, or None unless they are known system
    roles. ``system_admin`` alone is refused: it would drop ``system_user``."""
    names = list(dict.fromkeys(roles.split()))
    if not names or not set(names) <= SYSTEM_ROLES or names == [SYSTEM_ADMIN]:
        return None
    return " ".join(names)
