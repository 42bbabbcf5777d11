"""Reads of users, sessions, preferences and statuses. Token lookups go through the hot
cache so an authenticated request normally costs no query for its session or user."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from apps.accounts.models import Preference, Session, Status, User, hash_token
from apps.core.cache import hot_cache
from apps.core.errors import AppError


def session_cache_key(token_hash: str) -> str:
    return f"session:{token_hash}"


def user_cache_key(user_id: str) -> str:
    return f"user:{user_id}"


def _cache_seconds() -> int:
    return max(settings.MATTERMOST.session_cache_in_minutes, 0) * 60


def session_get_by_token(token: str) -> Session | None:
    """The live session whose bearer token is ``token``, or None (unknown or expired)."""
    token_hash = hash_token(token)
    cache = hot_cache()
    key = session_cache_key(token_hash)
    session: Session | None = cache.get(key)
    if session is None:
        session = Session.objects.filter(token_hash=token_hash).first()
        if session is None:
            return None
        cache.set(key, session, _cache_seconds())
    # Expired rows stay until a clean-up removes them; they never authenticate.
    return None if session.is_expired() else session


def user_get_cached(user_id: str) -> User | None:
    cache = hot_cache()
    key = user_cache_key(user_id)
    user: User | None = cache.get(key)
    if user is None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return None
        cache.set(key, user, _cache_seconds())
    return user


# Preferences and status


def user_get_or_404(user_id: str) -> User:
    """The user with this id; a missing one is Mattermost's 404."""
    user = user_get_cached(user_id)
    if user is None:
        raise AppError("app.user.missing_account.const", "There is no user with that id.", 404)
    return user


def preference_list(*, user_id: str, category: str | None = None) -> list[Preference]:
    """A user's preferences, all of them or one category's, in a stable order."""
    preferences = Preference.objects.filter(user_id=user_id)
    if category is not None:
        preferences = preferences.filter(category=category)
    return list(preferences.order_by("category", "name"))


def preference_get(*, user_id: str, category: str, name: str) -> Preference | None:
    return Preference.objects.filter(user_id=user_id, category=category, name=name).first()


def status_offline(user_id: str) -> Status:
    """The status of a user who has none stored: offline, never active."""
    return Status(user_id=user_id)


def status_get(user_id: str) -> Status:
    return Status.objects.filter(user_id=user_id).first() or status_offline(user_id)


def status_list(user_ids: Iterable[str]) -> list[Status]:
    """The statuses of these users, in the order asked and each once, with one query.

    Ids without a stored status come back offline, as Mattermost answers for any id."""
    wanted = list(dict.fromkeys(user_ids))
    stored = {status.user_id: status for status in Status.objects.filter(user_id__in=wanted)}
    return [stored.get(user_id) or status_offline(user_id) for user_id in wanted]
