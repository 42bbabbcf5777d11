"""How the operator commands find the account they are told about."""

from __future__ import annotations

from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.accounts.selectors import user_find

USER_HELP = "username, email address or user id"


def find_user(reference: str) -> User:
    user = user_find(reference)
    if user is None:
        raise CommandError(f"No user has the username, email address or id {reference!r}.")
    return user
