"""API v3: the caller's preferences (``/preferences/``, trailing slash included). Saving
answers a bare ``true``; reading a category nobody saved answers an empty list."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api.v3.bodies import preferences_body
from apps.accounts.selectors import preference_get, preference_list
from apps.accounts.services import preferences_delete, preferences_save
from apps.accounts.wire import preference_json
from apps.core.api.v3.base import V3View
from apps.core.errors import AppError
from apps.core.views import STATUS_OK, session_user

PREFERENCE_SCHEMA = {
    "type": "object",
    "properties": {key: {"type": "string"} for key in ("user_id", "category", "name", "value")},
}
PREFERENCE_LIST_SCHEMA = {"type": "array", "items": PREFERENCE_SCHEMA}


class PreferencesView(V3View):
    @extend_schema(operation_id="v3GetAllPreferences", responses={200: PREFERENCE_LIST_SCHEMA})
    def get(self, request: Request) -> Response:
        preferences = preference_list(user_id=session_user(request).id)
        return Response([preference_json(p) for p in preferences])


class PreferencesSaveView(V3View):
    """Every preference must be the caller's own (403 otherwise)."""

    @extend_schema(
        operation_id="v3SavePreferences",
        request={"application/json": PREFERENCE_LIST_SCHEMA},
        responses={200: OpenApiTypes.BOOL},
    )
    def post(self, request: Request) -> Response:
        preferences = preferences_body(request, "api.preference.save_preferences.decode.app_error")
        preferences_save(user_id=session_user(request).id, preferences=preferences)
        return Response(True)


class PreferencesDeleteView(V3View):
    @extend_schema(
        operation_id="v3DeletePreferences",
        request={"application/json": PREFERENCE_LIST_SCHEMA},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        preferences = preferences_body(
            request, "api.preference.delete_preferences.decode.app_error"
        )
        preferences_delete(user_id=session_user(request).id, preferences=preferences)
        return Response(STATUS_OK)


class PreferenceCategoryView(V3View):
    @extend_schema(operation_id="v3GetPreferenceCategory", responses={200: PREFERENCE_LIST_SCHEMA})
    def get(self, request: Request, category: str) -> Response:
        preferences = preference_list(user_id=session_user(request).id, category=category)
        return Response([preference_json(p) for p in preferences])


class PreferenceView(V3View):
    @extend_schema(operation_id="v3GetPreference", responses={200: PREFERENCE_SCHEMA})
    def get(self, request: Request, category: str, name: str) -> Response:
        preference = preference_get(user_id=session_user(request).id, category=category, name=name)
        if preference is None:
            raise AppError(
                "store.sql_preference.get.app_error",
                "You have no preference with that category and name.",
                404,
            )
        return Response(preference_json(preference))
