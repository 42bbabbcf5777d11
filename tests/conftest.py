from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from apps.accounts.models import Session, User
from apps.accounts.services import session_create, user_create
from apps.core import cache as hot_cache_module
from apps.core import events
from apps.core.cache import HotCache, reset_hot_cache

pytest_plugins = ["tests.v1_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _own_hot_cache_stamp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test process gets its own invalidation stamp. With the shared one in DATA_DIR,
    parallel workers would clear each other's hot cache mid-test, and the tests that count
    queries on cached requests would fail at random."""
    backend = caches["hot"]
    stamp = tmp_path_factory.mktemp("hot-cache") / "stamp"
    own = HotCache(backend, stamp if isinstance(backend, LocMemCache) else None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hot_cache_module, "_hot", own)
        yield


@pytest.fixture(autouse=True)
def _fresh_caches(settings: LazySettings) -> Iterator[None]:
    # Fast hashing keeps user creation cheap; production uses Django's default hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
