"""HTTP helpers both API faces of the accounts app use: the props a login session records,
the cookies a browser login receives, and profile pictures as responses."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from apps.accounts import images
from apps.accounts.models import User
from apps.core.errors import AppError
from apps.core.etag import client_has, not_modified
from apps.core.views import MattermostView

# Login


def client_props(request: Request) -> dict[str, str]:
    """What a new session records about the client that opened it."""
    agent = request.headers.get("User-Agent", "")
    mobile = any(word in agent for word in ("Mobile", "Android", "iPhone"))
    return {
        "platform": "",
        "os": "",
        "browser": agent.split(" ")[0][:64],
        "isMobile": "true" if mobile else "false",
        "isSaml": "false",
        "isOAuthUser": "false",
    }


def set_login_cookies(
    request: Request, response: HttpResponse, cookies: Iterable[tuple[str, str, bool]]
) -> None:
    """Give a browser its session cookies: (name, value, HTTP-only) each, lasting as long as
    a web session. Only a page's script (``X-Requested-With: XMLHttpRequest``) gets them;
    other clients use the ``Token`` header."""
    if request.headers.get("X-Requested-With") != "XMLHttpRequest":
        return
    lifetime = settings.MATTERMOST.session_length_web_in_hours * 3600
    for name, value, http_only in cookies:
        response.set_cookie(
            name, value, max_age=lifetime, secure=request.is_secure(), httponly=http_only
        )


# Profile pictures

# Mattermost lets browsers and clients keep a picture for a day; the ETag and the
# ``?_=<last_picture_update>`` URLs clients build make a change visible sooner.
IMAGE_CACHE_CONTROL = "max-age=86400, private"


def png_response(png: bytes, **headers: str) -> HttpResponse:
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    for name, value in headers.items():
        response[name] = value
    return response


def default_png(user: User) -> bytes:
    return images.default_profile_image(user_id=user.id, username=user.username)


def profile_png(user: User) -> bytes:
    """The user's own picture, or the generated one when they have none."""
    return images.read_profile_image(user.id) or default_png(user)


def profile_image_response(request: Request, user: User) -> HttpResponse:
    """The user's picture (or the generated one), or 304 when the client has it."""
    etag = str(user.last_picture_update)
    if client_has(request, etag):
        return not_modified(etag)
    return png_response(profile_png(user), ETag=etag)


class ImageView(MattermostView):
    """Mattermost does no content negotiation: an ``Accept: image/*`` request must get the
    picture (or a JSON error), never a 406."""

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        return super().perform_content_negotiation(request, force=True)


def uploaded_image(
    request: Request, error_prefix: str = "api.user.upload_profile_user"
) -> UploadedFile:
    """The file sent in the ``image`` field of a multipart form. ``error_prefix`` starts the
    error ids, which upstream names after the route (profile picture or bot icon)."""
    try:
        files = request.FILES
    except (UnsupportedMediaType, ParseError) as exc:
        # Mattermost answers 500 here; a body that is not a multipart form is the
        # client's mistake, so we keep its id but answer 400.
        raise AppError(
            f"{error_prefix}.parse.app_error",
            "The request body must be a multipart form with the picture in 'image'.",
            400,
            str(exc.detail),
        ) from None
    uploads: list[UploadedFile] = files.getlist("image")
    if not uploads:
        raise AppError(
            f"{error_prefix}.no_file.app_error",
            "No picture was sent: put the file in the form field 'image'.",
            400,
        )
    return uploads[0]
