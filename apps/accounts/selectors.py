"""Reads of users and sessions. Token lookups go through the hot cache so an authenticated
request normally costs no query for its session or user."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from apps.accounts.models import Session, User, hash_token
from apps.core.cache import hot_cache
from apps.core.ids import is_valid_id


def session_cache_key(token_hash: str) -> str:
    return f"session:{token_hash}"


def user_cache_key(user_id: str) -> str:
    return f"user:{user_id}"


def _cache_seconds() -> int:
    return max(settings.MATTERMOST.session_cache_in_minutes, 0) * 60


def session_get_by_token(token: str) -> Session | None:
    """The live session whose bearer token is ``token``, or None (unknown or expired)."""
    token_hash = hash_token(token)
    session = hot_cache().get_or_load(
        session_cache_key(token_hash),
        lambda: Session.objects.filter(token_hash=token_hash).first(),
        _cache_seconds(),
    )
    # Expired rows stay until a clean-up removes them; they never authenticate.
    return None if session is None or session.is_expired() else session


def user_get_cached(user_id: str) -> User | None:
    return hot_cache().get_or_load(
        user_cache_key(user_id), lambda: User.objects.filter(pk=user_id).first(), _cache_seconds()
    )


def user_get(user_id: str) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_get_by_username(username: str) -> User | None:
    return User.objects.filter(username=username.strip().lower()).first()


def user_get_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def user_find(reference: str) -> User | None:
    """The user an operator names: by id, else by email (with an '@'), else by username."""
    reference = reference.strip()
    if is_valid_id(reference):
        user = user_get(reference)
        if user is not None:
            return user
    if "@" in reference:
        return user_get_by_email(reference)
    return user_get_by_username(reference)


def users_list(*, active: bool | None = None) -> QuerySet[User]:
    """Every user by username; only active or only deactivated ones when ``active`` says."""
    users = User.objects.order_by("username")
    if active is True:
        return users.filter(delete_at=0)
    if active is False:
        return users.exclude(delete_at=0)
    return users


def user_for_login(*, login_id: str, user_id: str) -> User | None:
    """The account a login names: by id, else by username or email as the settings allow."""
    if user_id:
        return user_get(user_id)
    config = settings.MATTERMOST
    login_id = login_id.strip().lower()
    if config.enable_sign_in_with_username:
        user = User.objects.filter(username=login_id).first()
        if user is not None:
            return user
    if config.enable_sign_in_with_email and "@" in login_id:
        return User.objects.filter(email=login_id).first()
    return None


def users_exist() -> bool:
    return User.objects.exists()
