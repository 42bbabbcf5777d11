"""A cache for hot lookups (session tokens, users) that must never serve stale auth data.

With ``REDIS_URL`` the cache is shared by every process, so deleting a key is enough.
Without it each process keeps its own in-memory copy; then an invalidation also touches a
stamp file in the data directory, and every process drops its copy when it sees the stamp
change (one ``stat`` per lookup, far cheaper than a query). That keeps a revoked token
unusable at once in every worker on the host.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

ALIAS = "hot"
T = TypeVar("T")


class HotCache:
    def __init__(self, backend: BaseCache, stamp: Path | None) -> None:
        self.backend = backend
        self.stamp = stamp
        self.seen_stamp = self._read_stamp()

    def _read_stamp(self) -> int:
        if self.stamp is None:
            return 0
        try:
            return self.stamp.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def _sync(self) -> None:
        if self.stamp is None:
            return
        current = self._read_stamp()
        if current != self.seen_stamp:
            self.backend.clear()
            self.seen_stamp = current

    def get(self, key: str) -> Any:
        self._sync()
        return self.backend.get(key)

    def set(self, key: str, value: Any, timeout: int) -> None:
        self.backend.set(key, value, timeout)

    def get_or_load(self, key: str, load: Callable[[], T | None], timeout: int) -> T | None:
        """The cached value, else ``load()``'s result, cached when it is not None."""
        value: T | None = self.get(key)
        if value is None:
            value = load()
            if value is not None:
                self.set(key, value, timeout)
        return value

    def invalidate(self, *keys: str) -> None:
        self.backend.delete_many(keys)
        if self.stamp is not None:
            self.stamp.touch()
            os.utime(self.stamp)
            self.seen_stamp = self._read_stamp()


_hot: HotCache | None = None


def hot_cache() -> HotCache:
    global _hot
    if _hot is None:
        backend = caches[ALIAS]
        local = isinstance(backend, LocMemCache)
        _hot = HotCache(backend, settings.DATA_DIR / "hot-cache.stamp" if local else None)
    return _hot


def reset_hot_cache() -> None:
    """Forget every cached entry in this process (tests use it between cases)."""
    hot_cache().backend.clear()
