"""Saving and deleting users' client preferences."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import reduce

from django.db import transaction
from django.db.models import Q

from apps.accounts.models import (
    Preference,
)
from apps.channels.services import FAVORITE_CHANNEL, categories_follow_favorite_preferences
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish

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
        categories_follow_favorite_preferences(
            user_id=user_id,
            favorites={
                i.name: i.value != "false" for i in latest if i.category == FAVORITE_CHANNEL
            },
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
        categories_follow_favorite_preferences(
            user_id=user_id,
            favorites={i.name: False for i in preferences if i.category == FAVORITE_CHANNEL},
        )
        publish(
            "preferences_deleted",
            {"preferences": _preferences_json(preferences)},
            Broadcast(user_id=user_id),
        )
