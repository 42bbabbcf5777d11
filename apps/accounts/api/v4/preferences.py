"""The v4 preference routes: a user's client settings, read in full, by category or one at
a time, and saved or deleted in batches. Only the user (or an ``edit_other_users`` holder)
may touch them."""

from __future__ import annotations

from typing import Any

from django.urls import path, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import require_user_settings_access
from apps.accounts.selectors import preference_get, preference_list
from apps.accounts.services import PreferenceData, preferences_delete, preferences_save
from apps.accounts.wire import (
    MAX_PREFERENCES_PER_REQUEST,
    preference_from_json,
    preference_json,
)
from apps.core.errors import AppError, invalid_body_param
from apps.core.views import MattermostView, session_user, url_user_id

PREFERENCE_SCHEMA = {
    "type": "object",
    "properties": {key: {"type": "string"} for key in ("user_id", "category", "name", "value")},
}
PREFERENCE_LIST_SCHEMA = {"type": "array", "items": PREFERENCE_SCHEMA}


def _preference_from_item(item: object) -> PreferenceData:
    preference = preference_from_json(item)
    if preference is None:
        raise invalid_body_param(
            "preferences",
            "each preference needs user_id, category and name strings (value: string)",
        )
    return preference


def preferences_from_body(data: Any) -> list[PreferenceData]:
    """The request's list of preferences; any other body is a 400, never a crash."""
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_PREFERENCES_PER_REQUEST:
        raise invalid_body_param(
            "preferences", f"expected a JSON array of 1 to {MAX_PREFERENCES_PER_REQUEST} items"
        )
    return [_preference_from_item(item) for item in data]


def _target_user_id(request: Request, user_id: str) -> str:
    target = url_user_id(request, user_id)
    require_user_settings_access(session_user(request), target)
    return target


class PreferencesView(MattermostView):
    @extend_schema(operation_id="GetPreferences", responses={200: PREFERENCE_LIST_SCHEMA})
    def get(self, request: Request, user_id: str) -> Response:
        target = _target_user_id(request, user_id)
        return Response([preference_json(p) for p in preference_list(user_id=target)])

    @extend_schema(
        operation_id="UpdatePreferences",
        request={"application/json": PREFERENCE_LIST_SCHEMA},
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, user_id: str) -> Response:
        target = _target_user_id(request, user_id)
        preferences_save(user_id=target, preferences=preferences_from_body(request.data))
        return Response({"status": "OK"})


class PreferencesDeleteView(MattermostView):
    @extend_schema(
        operation_id="DeletePreferences",
        request={"application/json": PREFERENCE_LIST_SCHEMA},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        target = _target_user_id(request, user_id)
        preferences_delete(user_id=target, preferences=preferences_from_body(request.data))
        return Response({"status": "OK"})


class PreferenceCategoryView(MattermostView):
    @extend_schema(operation_id="GetPreferencesByCategory", responses={200: PREFERENCE_LIST_SCHEMA})
    def get(self, request: Request, user_id: str, category: str) -> Response:
        target = _target_user_id(request, user_id)
        preferences = preference_list(user_id=target, category=category)
        if not preferences:
            # Mattermost answers an empty category with a 404, not an empty list.
            raise AppError(
                "api.preference.preferences_category.get.app_error",
                "This user has no preferences in that category.",
                404,
            )
        return Response([preference_json(p) for p in preferences])


class PreferenceView(MattermostView):
    @extend_schema(
        operation_id="GetPreferencesByCategoryByName", responses={200: PREFERENCE_SCHEMA}
    )
    def get(self, request: Request, user_id: str, category: str, preference_name: str) -> Response:
        target = _target_user_id(request, user_id)
        preference = preference_get(user_id=target, category=category, name=preference_name)
        if preference is None:
            # Mattermost reports a missing preference as a failed lookup: 400, not 404.
            raise AppError(
                "app.preference.get.app_error",
                "This user has no preference with that category and name.",
                400,
            )
        return Response(preference_json(preference))


# Mattermost's routes only match categories and names made of letters, digits and "_".
KEY = "[A-Za-z0-9_]+"

urlpatterns = [
    path("users/<str:user_id>/preferences", PreferencesView.as_view(), name="user-preferences"),
    path(
        "users/<str:user_id>/preferences/delete",
        PreferencesDeleteView.as_view(),
        name="user-preferences-delete",
    ),
    re_path(
        rf"^users/(?P<user_id>[^/]+)/preferences/(?P<category>{KEY})$",
        PreferenceCategoryView.as_view(),
        name="user-preferences-category",
    ),
    re_path(
        rf"^users/(?P<user_id>[^/]+)/preferences/(?P<category>{KEY})/name/(?P<preference_name>{KEY})$",
        PreferenceView.as_view(),
        name="user-preference",
    ),
]
