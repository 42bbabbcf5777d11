"""Comparing our answers with a recorded session of a real server.

Ids, tokens and times differ between the recording and our run. :class:`Substitutions`
learns, in the order they appear, which of our ids (tokens, ETags, times) stand for the
recorded ones, and rewrites the next requests with them. :class:`Matcher` walks a recorded
JSON body and ours side by side: the key sets must be equal (objects cut short by the
recorder: its keys must be among ours), an id must be the one already learnt (or is learnt
now), a time must be a time, and everything else must be equal, except the free text the
caller names (error messages, the wording of system posts).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.clients.transcript import PartialDict, PartialList

ID = re.compile(r"[a-z0-9]{26}")
ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{26}(?![A-Za-z0-9])")
TIME_IN_TEXT = re.compile(r"(?<!\d)\d{13}(?!\d)")
# Milliseconds since 1970 from 2001 on: thirteen digits.
FIRST_TIME = 10**12

# Decides, from the path of a value and the recorded object holding it, that the value is
# free text and is not compared.
FreeText = Callable[[str, dict[str, Any]], bool]


def is_time(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= FIRST_TIME


@dataclass(frozen=True)
class Like:
    """Put in an expected body where our value differs from the recorded one on purpose:
    ours must only pass ``check``."""

    description: str
    check: Callable[[Any], bool]


@dataclass
class Substitutions:
    """What our run calls the ids, times and ETags of the recording."""

    ids: dict[str, str] = field(default_factory=dict)
    times: dict[int, int] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)

    def bind_id(self, recorded: str, ours: object) -> str | None:
        """Learn (or check) that ``ours`` stands for the recorded id: a problem or None."""
        known = self.ids.get(recorded)
        if known is None:
            if not isinstance(ours, str) or not ID.fullmatch(ours):
                return f"expected an id for {recorded}, got {ours!r}"
            self.ids[recorded] = ours
            return None
        if known != ours:
            return f"expected {known} (recorded {recorded}), got {ours!r}"
        return None

    def bind_time(self, recorded: int, ours: object) -> str | None:
        if not is_time(ours):
            return f"expected a time in milliseconds, got {ours!r}"
        assert isinstance(ours, int)
        self.times.setdefault(recorded, ours)
        return None

    def time(self, recorded: int) -> int:
        """Our time for a recorded one: the nearest time learnt, moved by the same amount."""
        if not self.times:
            return recorded
        nearest = min(self.times, key=lambda known: abs(known - recorded))
        return self.times[nearest] + (recorded - nearest)

    def text(self, recorded: str) -> str:
        """``recorded`` with the ids and times learnt so far replaced by ours."""
        with_ids = ID_IN_TEXT.sub(lambda match: self.ids.get(match[0], match[0]), recorded)
        return TIME_IN_TEXT.sub(lambda match: str(self.time(int(match[0]))), with_ids)


@dataclass
class Matcher:
    subs: Substitutions
    free_text: FreeText
    # Arrays (by path) whose order carries no meaning: only their elements are compared.
    unordered: frozenset[str] = frozenset()
    problems: list[str] = field(default_factory=list)

    def match(self, recorded: Any, ours: Any, where: str = "$", holder: Any = None) -> None:
        if isinstance(recorded, Like):
            if not recorded.check(ours):
                self._note(f"expected {recorded.description}, got {ours!r:.200}", where)
        elif isinstance(recorded, dict):
            self._match_object(recorded, ours, where)
        elif isinstance(recorded, list):
            self._match_array(recorded, ours, where)
        elif isinstance(recorded, str):
            self._match_text(recorded, ours, where, holder)
        elif is_time(recorded):
            self._note(self.subs.bind_time(recorded, ours), where)
        elif recorded != ours or type(recorded) is not type(ours):
            self._note(f"expected {recorded!r}, got {ours!r}", where)

    def _note(self, problem: str | None, where: str) -> None:
        if problem:
            self.problems.append(f"{where}: {problem}")

    def _match_text(self, recorded: str, ours: Any, where: str, holder: Any) -> None:
        if ID.fullmatch(recorded):
            self._note(self.subs.bind_id(recorded, ours), where)
        elif isinstance(holder, dict) and self.free_text(where, holder):
            if not isinstance(ours, str):
                self._note(f"expected text, got {ours!r}", where)
        elif TIME_IN_TEXT.fullmatch(recorded):
            if not (isinstance(ours, str) and TIME_IN_TEXT.fullmatch(ours)):
                self._note(f"expected a time as text, got {ours!r}", where)
        elif self.subs.text(recorded) != ours:
            self._note(f"expected {self.subs.text(recorded)!r}, got {ours!r}", where)

    def _match_object(self, recorded: dict[str, Any], ours: Any, where: str) -> None:
        if not isinstance(ours, dict):
            self._note(f"expected an object, got {ours!r:.200}", where)
            return
        recorded_keys = {self._our_key(key, recorded, ours, where) for key in recorded}
        missing = recorded_keys - set(ours)
        extra = set() if isinstance(recorded, PartialDict) else set(ours) - recorded_keys
        if missing or extra:
            self._note(f"keys differ: missing {sorted(missing)}, extra {sorted(extra)}", where)
        for key, value in recorded.items():
            our_key = self._our_key(key, recorded, ours, where)
            if our_key in ours:
                self.match(value, ours[our_key], f"{where}.{key}", recorded)

    def _our_key(self, key: str, recorded: dict[str, Any], ours: dict[str, Any], where: str) -> str:
        """Our name for a key of a map keyed by ids. A recorded id not seen yet is paired
        with the first of our unpaired keys whose value matches its value."""
        if not ID.fullmatch(key):
            return key
        if key in self.subs.ids:
            return self.subs.ids[key]
        taken = set(self.subs.ids.values())
        for candidate in ours:
            if candidate not in taken and ID.fullmatch(candidate):
                trial = self._trial(recorded[key], ours[candidate], f"{where}.{key}")
                if trial is not None and trial.ids.setdefault(key, candidate) == candidate:
                    self.subs = trial
                    return candidate
        return key

    def _trial(self, recorded: Any, ours: Any, where: str) -> Substitutions | None:
        """The substitutions after matching ``recorded`` with ``ours``, if they match."""
        trial = Matcher(copy.deepcopy(self.subs), self.free_text, self.unordered)
        trial.match(recorded, ours, where)
        return None if trial.problems else trial.subs

    def _match_array(self, recorded: list[Any], ours: Any, where: str) -> None:
        if not isinstance(ours, list):
            self._note(f"expected an array, got {ours!r:.200}", where)
            return
        partial = isinstance(recorded, PartialList)
        if len(ours) < len(recorded) or (not partial and len(ours) != len(recorded)):
            self._note(f"expected {len(recorded)} elements, got {len(ours)}", where)
        used: set[int] = set()
        for index, value in enumerate(recorded):
            at = self._element_for(value, ours, used, index, f"{where}[{index}]")
            if at is None:
                continue  # already reported: fewer elements than recorded
            used.add(at)
            if at != index and where not in self.unordered:
                self._note(f"element found at [{at}]: another order", f"{where}[{index}]")
            self.match(value, ours[at], f"{where}[{index}]")

    def _element_for(
        self, recorded: Any, ours: list[Any], used: set[int], index: int, where: str
    ) -> int | None:
        """Our element for a recorded one: an object is looked for among ours (an order that
        differs is reported), anything else is taken in its place. An object none of ours
        matches is compared with the one in its place (or the first one left), so that its
        differences are reported."""
        if isinstance(recorded, dict):
            for at, candidate in enumerate(ours):
                if at not in used and (trial := self._trial(recorded, candidate, where)):
                    self.subs = trial
                    return at
        left = [at for at in range(len(ours)) if at not in used]
        if not left:
            return None
        return index if index in left else left[0]
