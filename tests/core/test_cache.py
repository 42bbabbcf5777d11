from __future__ import annotations

from pathlib import Path

from django.core.cache.backends.locmem import LocMemCache

from apps.core.cache import HotCache


def _process(tmp_path: Path, name: str) -> HotCache:
    """A HotCache as one worker process would have it: its own memory, a shared stamp."""
    return HotCache(LocMemCache(name, {}), tmp_path / "stamp")


def test_invalidation_reaches_other_processes(tmp_path: Path) -> None:
    worker_a = _process(tmp_path, "a")
    worker_b = _process(tmp_path, "b")
    worker_a.set("session:x", "cached", 60)
    worker_b.set("session:x", "cached", 60)
    worker_b.invalidate("session:x")
    assert worker_b.get("session:x") is None
    assert worker_a.get("session:x") is None


def test_without_invalidation_entries_survive(tmp_path: Path) -> None:
    worker = _process(tmp_path, "c")
    worker.set("user:1", "cached", 60)
    assert worker.get("user:1") == "cached"


def test_shared_backend_needs_no_stamp() -> None:
    shared = HotCache(LocMemCache("shared", {}), None)
    shared.set("k", 1, 60)
    shared.invalidate("k")
    assert shared.get("k") is None
