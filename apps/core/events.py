"""Domain events (``posted``, ``user_updated`` ...), delivered only once the change that
caused them has committed, so no listener ever sees a write that was rolled back.

Services call ``publish``; whoever listens (the WebSocket hub, tests) calls ``subscribe``.
No service knows who is listening.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broadcast:
    """Who should receive an event: one user, a channel's members, a team's, or everyone."""

    user_id: str = ""
    channel_id: str = ""
    team_id: str = ""
    omit_users: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Event:
    event: str
    data: dict[str, Any]
    broadcast: Broadcast = field(default_factory=Broadcast)


Listener = Callable[[Event], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Register ``listener``; returns a function that unregisters it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def publish(event: str, data: dict[str, Any], broadcast: Broadcast | None = None) -> None:
    message = Event(event=event, data=data, broadcast=broadcast or Broadcast())
    transaction.on_commit(lambda: _deliver(message))


def _deliver(message: Event) -> None:
    for listener in list(_listeners):
        try:
            listener(message)
        except Exception:
            # One failing listener must not stop the others or the request.
            logger.exception("event listener failed for %s", message.event)
