from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import caches

from apps.accounts.models import Session, User
from apps.accounts.services import session_create, user_create
from apps.core import events
from apps.core.cache import hot_cache, reset_hot_cache


@pytest.fixture(autouse=True)
def _fresh_caches(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Fast hashing keeps user creation cheap; production uses Django's default hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Parallel workers each have their own test database but share DATA_DIR, so the hot
    # cache's invalidation stamp would let one worker empty another's cache at random
    # moments (breaking query counts). Each worker follows only its own invalidations.
    monkeypatch.setattr(hot_cache(), "stamp", None)
    caches["default"].clear()
    reset_hot_cache()
    yield
    caches["default"].clear()
    reset_hot_cache()


@pytest.fixture
def mm_config(settings: LazySettings) -> Callable[..., None]:
    """Change Mattermost settings for one test: ``mm_config(rate_limit_enable=True)``."""

    def apply(**changes: Any) -> None:
        settings.MATTERMOST = dataclasses.replace(settings.MATTERMOST, **changes)

    return apply


@pytest.fixture
def user(db: None) -> User:
    """A plain user (roles given explicitly: the first account would otherwise be admin)."""
    return user_create(
        username="alice",
        email="alice@example.com",
        password="passw0rd!",
        roles="system_user",
        first_name="Alice",
        last_name="Liddell",
    )


@pytest.fixture
def other_user(db: None) -> User:
    return user_create(
        username="bob", email="bob@example.com", password="passw0rd!", roles="system_user"
    )


@pytest.fixture
def admin(db: None) -> User:
    return user_create(
        username="root",
        email="root@example.com",
        password="passw0rd!",
        roles="system_admin system_user",
    )


@pytest.fixture
def login(db: None) -> Callable[..., tuple[Session, str]]:
    def make(user: User, **kwargs: Any) -> tuple[Session, str]:
        return session_create(user=user, **kwargs)

    return make


@pytest.fixture
def token(user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(user)[1]


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    """Every event delivered during the test, in order."""
    seen: list[events.Event] = []
    unsubscribe = events.subscribe(seen.append)
    yield seen
    unsubscribe()
