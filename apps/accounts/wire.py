"""JSON shapes that every API face of the accounts app shares: preferences look the same on
v3 and v4."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import Preference
from apps.accounts.services import PreferenceData

# The most preferences one request may save or delete.
MAX_PREFERENCES_PER_REQUEST = 100


def preference_json(preference: Preference) -> dict[str, str]:
    return {
        "user_id": preference.user_id,
        "category": preference.category,
        "name": preference.name,
        "value": preference.value,
    }


def preference_from_json(item: object) -> PreferenceData | None:
    """A preference sent by a client: user_id, category and name strings (value: a string,
    absent means empty). None for anything else."""
    if not isinstance(item, dict):
        return None
    fields: dict[str, Any] = {key: item.get(key) for key in ("user_id", "category", "name")}
    fields["value"] = item.get("value", "")
    if not all(isinstance(field, str) for field in fields.values()):
        return None
    return PreferenceData(**fields)
