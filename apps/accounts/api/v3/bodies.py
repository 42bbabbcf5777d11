"""Request bodies of the v3 user routes, read the way Go decoded them into its structs: a
known field of the wrong JSON type (or a body that is no object) fails the whole body,
which the handler then reports as the invalid parameter; ``null`` is the zero value."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from apps.accounts.services import PreferenceData
from apps.accounts.wire import MAX_PREFERENCES_PER_REQUEST, preference_from_json
from apps.core.api.v3.base import invalid_param
from apps.core.errors import AppError

USER_TEXT = (
    "id",
    "username",
    "password",
    "auth_service",
    "email",
    "nickname",
    "first_name",
    "last_name",
    "position",
    "roles",
    "locale",
    "mfa_secret",
)
USER_FLAGS = ("email_verified", "allow_marketing", "mfa_active")
# Go's StringMap: an object whose values are all strings.
USER_STRING_MAPS = ("props", "notify_props", "timezone")
USER_NUMBERS = (
    "create_at",
    "update_at",
    "delete_at",
    "last_password_update",
    "last_picture_update",
    "failed_attempts",
    "last_activity_at",
)


def _is_string_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _fits(name: str, value: object) -> bool:
    if value is None:
        return True
    if name in USER_TEXT:
        return isinstance(value, str)
    if name in USER_FLAGS:
        return isinstance(value, bool)
    if name in USER_STRING_MAPS:
        return _is_string_map(value)
    if name in USER_NUMBERS:
        return isinstance(value, int) and not isinstance(value, bool)
    return True  # unknown keys are ignored, as Go ignores them


def user_body(request: Request) -> dict[str, Any]:
    """A User object; anything else is the invalid ``user`` parameter."""
    data: Any = request.data
    if not isinstance(data, dict) or not all(_fits(k, v) for k, v in data.items()):
        raise invalid_param("user")
    return data


def preferences_body(request: Request, decode_error_id: str) -> list[PreferenceData]:
    """A JSON array of preferences (empty is fine); anything else is a 400 with the
    route's decode error."""
    data: Any = request.data
    preferences = (
        [preference_from_json(item) for item in data] if isinstance(data, list) else [None]
    )
    if len(preferences) > MAX_PREFERENCES_PER_REQUEST or None in preferences:
        raise AppError(
            decode_error_id,
            "The body must be a JSON array of preferences: user_id, category, name, value.",
            400,
        )
    return [preference for preference in preferences if preference is not None]
