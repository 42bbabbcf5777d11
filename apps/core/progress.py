"""A plain-text progress bar for long operator commands and scripts (no dependency)."""

from __future__ import annotations

from typing import Protocol

WIDTH = 30


class Stream(Protocol):
    """Anything written to like a text file: ``sys.stderr``, a command's ``self.stderr``."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    """``[#######.......]  45%  450/1000 posts`` on one line of ``stream``, redrawn only
    when the shown percentage changes, so a million updates stay cheap."""

    def __init__(self, stream: Stream, total: int, label: str) -> None:
        self.stream = stream
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self._shown = -1

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        percent = self.done * 100 // self.total
        if percent != self._shown:
            self._shown = percent
            filled = self.done * WIDTH // self.total
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stream.write(f"\r[{bar}] {percent:3d}%  {self.done}/{self.total} {self.label}")
            self.stream.flush()

    def finish(self) -> None:
        self.advance(self.total - self.done)
        self.stream.write("\n")
        self.stream.flush()
