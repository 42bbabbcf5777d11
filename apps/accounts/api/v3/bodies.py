"""Request bodies of the v3 user and preference routes."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from apps.accounts.services import PreferenceData
from apps.accounts.wire import MAX_PREFERENCES_PER_REQUEST, preference_from_json
from apps.core.api.v3.params import FLAG, NUMBER, STRING_MAP, TEXT, FieldType, struct_body
from apps.core.errors import AppError

USER_FIELDS: dict[str, FieldType] = {
    **dict.fromkeys(
        (
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
        ),
        TEXT,
    ),
    **dict.fromkeys(("email_verified", "allow_marketing", "mfa_active"), FLAG),
    **dict.fromkeys(("props", "notify_props", "timezone"), STRING_MAP),
    **dict.fromkeys(
        (
            "create_at",
            "update_at",
            "delete_at",
            "last_password_update",
            "last_picture_update",
            "failed_attempts",
            "last_activity_at",
        ),
        NUMBER,
    ),
}


def user_body(request: Request) -> dict[str, Any]:
    """A User object; anything else is the invalid ``user`` parameter."""
    return struct_body(request, "user", USER_FIELDS)


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
