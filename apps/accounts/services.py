"""Every write to users, sessions, preferences and statuses."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.accounts.models import (
    ROLE_SYSTEM_USER,
    STATUS_DND,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    STATUS_VALUES,
    Preference,
    Session,
    Status,
    User,
    hash_token,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError, invalid_body_param
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id


@transaction.atomic
def user_create(
    *, username: str, email: str, password: str | None, roles: str = ROLE_SYSTEM_USER, **fields: Any
) -> User:
    now = now_ms()
    user = User(
        username=username.strip().lower(),
        email=email.strip().lower(),
        roles=roles,
        create_at=now,
        update_at=now,
        **fields,
    )
    if password:
        user.set_password(password)
        user.last_password_update = now
    else:
        user.set_unusable_password()
    user.save(force_insert=True)
    publish("new_user", {"user_id": user.id})
    return user


def session_create(
    *, user: User, device_id: str = "", props: dict[str, str] | None = None
) -> tuple[Session, str]:
    """A new login session for ``user``. Returns it with its bearer token, which is not
    stored anywhere and cannot be recovered later."""
    token = new_id()
    now = now_ms()
    lifetime_ms = settings.MATTERMOST.session_length_web_in_hours * 3600 * 1000
    session = Session.objects.create(
        token_hash=hash_token(token),
        user=user,
        create_at=now,
        last_activity_at=now,
        expires_at=now + lifetime_ms,
        device_id=device_id,
        roles=user.roles,
        props={"csrf": new_id(), **(props or {})},
    )
    return session, token


def session_revoke(*, session: Session) -> None:
    Session.objects.filter(pk=session.pk).delete()


# Preferences and status

PREFERENCE_KEY_MAX_BYTES = 32
PREFERENCE_VALUE_MAX_CHARS = 20000
THEME_CATEGORY = "theme"
# Theme entries that name things rather than colours; every other entry must be a colour.
_THEME_NAMED_ENTRIES = frozenset({"image", "type", "codeTheme"})
_THEME_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_THEME_FALLBACK_COLOUR = "#ffffff"
VISIBLE_DMS_GMS = ("sidebar_settings", "limit_visible_dms_gms")
VISIBLE_DMS_GMS_MAX = 40


@dataclass(frozen=True)
class PreferenceData:
    """A preference as a client sends it, before it is checked."""

    user_id: str
    category: str
    name: str
    value: str = ""


def _invalid_preference(field: str, message: str, detail: str) -> AppError:
    return AppError(f"model.preference.is_valid.{field}.app_error", message, 400, detail)


def _theme_cleaned(value: str) -> str:
    """A theme is a JSON object of strings. Entries that should be colours but are not are
    reset to white, so a theme cannot smuggle arbitrary CSS into other clients' pages."""
    try:
        theme = json.loads(value)
    except (ValueError, RecursionError):
        theme = None
    if not isinstance(theme, dict) or not all(isinstance(v, str) for v in theme.values()):
        raise _invalid_preference(
            "theme", "A theme must be a JSON object whose values are strings.", value[:200]
        )
    cleaned = {
        key: entry
        if key in _THEME_NAMED_ENTRIES or _THEME_COLOUR.fullmatch(entry)
        else _THEME_FALLBACK_COLOUR
        for key, entry in theme.items()
    }
    return json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _preference_checked(item: PreferenceData) -> PreferenceData:
    """``item`` if it may be stored (with its theme cleaned), else the 400 that explains why."""
    if not item.category or len(item.category.encode()) > PREFERENCE_KEY_MAX_BYTES:
        raise _invalid_preference(
            "category", "A preference category must be 1 to 32 bytes long.", item.category
        )
    if len(item.name.encode()) > PREFERENCE_KEY_MAX_BYTES:
        raise _invalid_preference(
            "name", "A preference name must be at most 32 bytes long.", item.name
        )
    if len(item.value) > PREFERENCE_VALUE_MAX_CHARS:
        raise _invalid_preference(
            "value",
            f"A preference value must be at most {PREFERENCE_VALUE_MAX_CHARS} characters long.",
            f"{item.category}/{item.name}",
        )
    if (item.category, item.name) == VISIBLE_DMS_GMS:
        limit = int(item.value) if re.fullmatch(r"[+-]?[0-9]{1,9}", item.value) else 0
        if not 1 <= limit <= VISIBLE_DMS_GMS_MAX:
            raise _invalid_preference(
                "limit_visible_dms_gms",
                f"The number of visible direct messages must be 1 to {VISIBLE_DMS_GMS_MAX}.",
                item.value,
            )
    if item.category == THEME_CATEGORY:
        return replace(item, value=_theme_cleaned(item.value))
    return item


def _require_own_preferences(
    user_id: str, preferences: Sequence[PreferenceData], error_id: str
) -> None:
    for item in preferences:
        if item.user_id != user_id:
            raise AppError(
                error_id,
                "Every preference in the list must belong to the user named in the URL.",
                403,
                f"userId={user_id}, preference.UserId={item.user_id}",
            )


def _preferences_json(preferences: Sequence[PreferenceData]) -> str:
    # Events carry nested objects as JSON strings, which is what clients parse.
    return json.dumps([asdict(item) for item in preferences], separators=(",", ":"))


def preferences_save(*, user_id: str, preferences: Sequence[PreferenceData]) -> None:
    """Create or overwrite these preferences of one user, all or none."""
    _require_own_preferences(
        user_id, preferences, "api.preference.update_preferences.set.app_error"
    )
    checked = [_preference_checked(item) for item in preferences]
    # The same key twice in one list: the last one wins, as if they were saved in turn.
    latest = list({(item.category, item.name): item for item in checked}.values())
    if not latest:
        return
    with transaction.atomic():
        Preference.objects.bulk_create(
            [
                Preference(user_id=user_id, category=i.category, name=i.name, value=i.value)
                for i in latest
            ],
            update_conflicts=True,
            unique_fields=["user", "category", "name"],
            update_fields=["value"],
        )
        publish(
            "preferences_changed",
            {"preferences": _preferences_json(latest)},
            Broadcast(user_id=user_id),
        )


def preferences_delete(*, user_id: str, preferences: Sequence[PreferenceData]) -> None:
    """Remove these preferences (matched by category and name) of one user."""
    _require_own_preferences(
        user_id, preferences, "api.preference.delete_preferences.delete.app_error"
    )
    if not preferences:
        return  # an empty filter would match every row
    keys = reduce(operator.or_, (Q(category=i.category, name=i.name) for i in preferences))
    with transaction.atomic():
        Preference.objects.filter(keys, user_id=user_id).delete()
        publish(
            "preferences_deleted",
            {"preferences": _preferences_json(preferences)},
            Broadcast(user_id=user_id),
        )


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
