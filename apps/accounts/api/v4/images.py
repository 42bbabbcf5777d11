"""Profile pictures on API v4: ``/users/{user_id}/image`` (read, upload, remove) and
``/users/{user_id}/image/default`` (the generated picture)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import (
    ImageView,
    default_png,
    png_response,
    profile_image_response,
    uploaded_image,
)
from apps.accounts.api.v4.views import missing_user
from apps.accounts.models import User
from apps.accounts.permissions import require_self_or_permission, require_system_permission
from apps.core.errors import invalid_url_param
from apps.core.views import session_user, url_user_id

PNG_RESPONSE = {(200, "image/png"): OpenApiTypes.BINARY}


def viewable_user(request: Request, raw_user_id: str) -> User:
    """The user whose picture is asked for: anyone may see their own; others need
    ``view_members``, checked before the lookup as Mattermost does."""
    user_id = url_user_id(request, raw_user_id)
    viewer = session_user(request)
    if user_id == viewer.id:
        return viewer
    require_system_permission(viewer, "view_members")
    user = selectors.user_get(user_id)
    if user is None:
        raise missing_user()
    return user


class ProfileImageView(ImageView):
    parser_classes = (MultiPartParser,)

    @extend_schema(operation_id="GetProfileImage", responses={**PNG_RESPONSE, 304: None})
    def get(self, request: Request, user_id: str) -> HttpResponse:
        return profile_image_response(request, viewable_user(request, user_id))

    @extend_schema(
        operation_id="SetProfileImage",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "binary"}},
                "required": ["image"],
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        upload = uploaded_image(request)
        user = actor if user_id == actor.id else selectors.user_get(user_id)
        if user is None:
            # Mattermost names the URL part here rather than answering 404.
            raise invalid_url_param("user_id")
        services.user_set_profile_image(user=user, upload=upload)
        return Response({"status": "OK"})

    @extend_schema(
        operation_id="SetDefaultProfileImage", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def delete(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        actor = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        user = actor if user_id == actor.id else selectors.user_get(user_id)
        if user is None:
            raise missing_user()
        services.user_remove_profile_image(user=user)
        return Response({"status": "OK"})


class DefaultProfileImageView(ImageView):
    @extend_schema(operation_id="GetDefaultProfileImage", responses=PNG_RESPONSE)
    def get(self, request: Request, user_id: str) -> HttpResponse:
        return png_response(default_png(viewable_user(request, user_id)))


urlpatterns = [
    path("users/<str:user_id>/image", ProfileImageView.as_view(), name="user-image"),
    path(
        "users/<str:user_id>/image/default",
        DefaultProfileImageView.as_view(),
        name="user-image-default",
    ),
]
