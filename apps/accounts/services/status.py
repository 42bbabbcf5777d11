"""Presence: statuses users choose and the activity that makes them online."""

from __future__ import annotations

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.accounts.models import (
    STATUS_DND,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    STATUS_VALUES,
    Status,
)
from apps.core.clock import now_ms
from apps.core.errors import invalid_body_param
from apps.core.events import Broadcast, publish

# Do-not-disturb ends on a whole minute, like Mattermost's expiry job that runs each minute.
DND_END_GRANULARITY_SECONDS = 60
# Activity is written at most this often per user, so requests do not all write.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60


def _announce_status(user_id: str, status: str) -> None:
    publish("status_change", {"status": status, "user_id": user_id}, Broadcast(user_id=user_id))


@transaction.atomic
def status_set(*, user_id: str, status: str, dnd_end_time: int = 0) -> Status:
    """The status a user chose. Anything but ``online`` sticks until they choose again;
    ``online`` hands the status back to activity tracking. ``dnd_end_time`` (Unix seconds,
    0 for no end) applies to ``dnd`` only."""
    if status not in STATUS_VALUES:
        raise invalid_body_param("status", f"unknown status {status!r}")
    row = Status.objects.select_for_update().filter(user_id=user_id).first()
    row = row or Status(user_id=user_id, status=STATUS_OFFLINE)
    if status == STATUS_DND:
        if row.status != STATUS_DND:
            row.prev_status = row.status
        row.dnd_end_time = dnd_end_time - dnd_end_time % DND_END_GRANULARITY_SECONDS
    else:
        row.prev_status = ""
        row.dnd_end_time = 0
    if status in (STATUS_ONLINE, STATUS_OFFLINE):
        row.last_activity_at = now_ms()
    row.status = status
    row.manual = status != STATUS_ONLINE
    row.save()
    _announce_status(user_id, status)
    return row


def _activity_key(user_id: str) -> str:
    return f"status-activity:{user_id}"


def status_note_activity(*, user_id: str) -> None:
    """The user just did something: stamp their activity and make them online, unless they
    chose a status by hand. Writes at most once per ``ACTIVITY_WRITE_INTERVAL_SECONDS``."""
    if not caches["default"].add(_activity_key(user_id), 1, ACTIVITY_WRITE_INTERVAL_SECONDS):
        return
    now = now_ms()
    mine = Status.objects.filter(user_id=user_id)
    # Already online, or a chosen status: only the time moves, nobody needs telling.
    if mine.filter(Q(manual=True) | Q(status=STATUS_ONLINE)).update(last_activity_at=now):
        return
    came_back = mine.filter(manual=False).update(
        status=STATUS_ONLINE, last_activity_at=now, dnd_end_time=0, prev_status=""
    )
    if not came_back:
        try:
            with transaction.atomic():
                Status.objects.create(user_id=user_id, status=STATUS_ONLINE, last_activity_at=now)
        except IntegrityError:
            return  # a concurrent request stored a status first; it stands
    _announce_status(user_id, STATUS_ONLINE)
