"""Reads of users and sessions. Token lookups go through the hot cache so an authenticated
request normally costs no query for its session or user."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from apps.accounts.models import Session, User, UserAccessToken, hash_token
from apps.core.cache import hot_cache


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


# Sessions and personal access tokens


def session_remember(session: Session) -> None:
    """Put a session that was just written and committed into the hot cache, so its first
    use after creation costs no query."""
    hot_cache().set(session_cache_key(session.token_hash), session, _cache_seconds())


def session_get(session_id: str) -> Session | None:
    return Session.objects.filter(pk=session_id).first()


def sessions_of_user(user_id: str) -> QuerySet[Session]:
    """A user's sessions, most recently active first (expired ones too, until cleaned up)."""
    return Session.objects.filter(user_id=user_id).order_by("-last_activity_at", "id")


def access_token_get(token_id: str) -> UserAccessToken | None:
    return UserAccessToken.objects.filter(pk=token_id).first()


def access_token_get_by_token(token: str) -> UserAccessToken | None:
    """The personal access token whose secret is ``token``, with its user."""
    return (
        UserAccessToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    )


def access_tokens_of_user(user_id: str) -> QuerySet[UserAccessToken]:
    return UserAccessToken.objects.filter(user_id=user_id).order_by("id")


def access_tokens_all() -> QuerySet[UserAccessToken]:
    return UserAccessToken.objects.order_by("id")


def access_tokens_search(term: str) -> QuerySet[UserAccessToken]:
    """Tokens whose id, user id or user's username starts with ``term``."""
    return UserAccessToken.objects.filter(
        Q(id__startswith=term) | Q(user__id__startswith=term) | Q(user__username__startswith=term)
    ).order_by("id")
