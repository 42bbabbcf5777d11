"""Profile pictures on API v4: ``/users/{user_id}/image`` (read, upload, remove) and
``/users/{user_id}/image/default`` (the generated picture)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import images, selectors, services
from apps.accounts.api.v4.views import missing_user
from apps.accounts.models import User
from apps.accounts.permissions import require_self_or_permission, require_system_permission
from apps.core.errors import AppError, invalid_url_param
from apps.core.etag import client_has, not_modified
from apps.core.views import MattermostView, session_user, url_user_id

# Mattermost lets browsers and clients keep a picture for a day; the ETag and the
# ``?_=<last_picture_update>`` URLs clients build make a change visible sooner.
IMAGE_CACHE_CONTROL = "max-age=86400, private"
PNG_RESPONSE = {(200, "image/png"): OpenApiTypes.BINARY}


def png_response(png: bytes, **headers: str) -> HttpResponse:
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    for name, value in headers.items():
        response[name] = value
    return response


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


def default_png(user: User) -> bytes:
    return images.default_profile_image(user_id=user.id, username=user.username)


def profile_image_response(request: Request, user: User) -> HttpResponse:
    """The user's picture (or the generated one), or 304 when the client has it."""
    etag = str(user.last_picture_update)
    if client_has(request, etag):
        return not_modified(etag)
    png = images.read_profile_image(user.id) or default_png(user)
    return png_response(png, ETag=etag)


class ImageView(MattermostView):
    """Mattermost does no content negotiation: an ``Accept: image/*`` request must get the
    picture (or a JSON error), never a 406."""

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)


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


def uploaded_image(request: Request) -> UploadedFile:
    """The file sent in the ``image`` field of a multipart form."""
    try:
        files = request.FILES
    except (UnsupportedMediaType, ParseError) as exc:
        # Mattermost answers 500 here; a body that is not a multipart form is the
        # client's mistake, so we keep its id but answer 400.
        raise AppError(
            "api.user.upload_profile_user.parse.app_error",
            "The request body must be a multipart form with the picture in 'image'.",
            400,
            str(exc.detail),
        ) from None
    uploads: list[UploadedFile] = files.getlist("image")
    if not uploads:
        raise AppError(
            "api.user.upload_profile_user.no_file.app_error",
            "No picture was sent: put the file in the form field 'image'.",
            400,
        )
    return uploads[0]


urlpatterns = [
    path("users/<str:user_id>/image", ProfileImageView.as_view(), name="user-image"),
    path(
        "users/<str:user_id>/image/default",
        DefaultProfileImageView.as_view(),
        name="user-image-default",
    ),
]
