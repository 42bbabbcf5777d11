"""The caller's preferences on API v1 (1.2+): all of them, by category, one, and saving."""

from __future__ import annotations

from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api.v4.preferences import KEY, preference_json, preferences_from_body
from apps.accounts.selectors import preference_get, preference_list
from apps.accounts.services import preferences_save
from apps.core.api.v1.base import V1View
from apps.core.errors import AppError
from apps.core.views import session_user


class PreferencesView(V1View):
    """``GET /preferences/``: every preference of the caller."""

    @extend_schema(operation_id="v1GetAllPreferences", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        preferences = preference_list(user_id=session_user(request).id)
        return Response([preference_json(p) for p in preferences])


class SavePreferencesView(V1View):
    """``POST /preferences/save``: a JSON array of preferences, all the caller's; answers
    a bare ``true``."""

    @extend_schema(operation_id="v1SavePreferences", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        preferences = preferences_from_body(request.data)
        preferences_save(user_id=session_user(request).id, preferences=preferences)
        return Response(True)


class PreferenceCategoryView(V1View):
    """``GET /preferences/{category}``: that category's preferences (an empty list when
    there are none, as in 1.x)."""

    @extend_schema(operation_id="v1GetPreferenceCategory", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, category: str) -> Response:
        preferences = preference_list(user_id=session_user(request).id, category=category)
        return Response([preference_json(p) for p in preferences])


class PreferenceView(V1View):
    """``GET /preferences/{category}/{name}``: one preference."""

    @extend_schema(operation_id="v1GetPreference", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, category: str, name: str) -> Response:
        preference = preference_get(user_id=session_user(request).id, category=category, name=name)
        if preference is None:
            # 1.x reported a failed lookup (500), not a missing resource.
            raise AppError(
                "app.preference.get.app_error",
                "No such preference.",
                500,
                f"category={category}, name={name}",
            )
        return Response(preference_json(preference))


urlpatterns: list[URLPattern] = [
    re_path(r"^preferences/$", PreferencesView.as_view(), name="preferences"),
    re_path(r"^preferences/save$", SavePreferencesView.as_view(), name="preferences-save"),
    re_path(
        rf"^preferences/(?P<category>{KEY})$",
        PreferenceCategoryView.as_view(),
        name="preference-category",
    ),
    re_path(
        rf"^preferences/(?P<category>{KEY})/(?P<name>{KEY})$",
        PreferenceView.as_view(),
        name="preference",
    ),
]
