"""Every error the server sends has Mattermost's body:
``{"id", "message", "detailed_error", "request_id", "status_code"}``, or on API v1 (whose
views mark their requests ``api_v1``) the Mattermost 1.x body
``{"message", "detailed_error", "request_id", "status_code", "is_oauth"}``.

Services raise ``AppError``; the DRF exception handler and Django's error handlers below
turn it (and DRF's and Django's own exceptions) into that body. Nothing else writes error
JSON.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework import exceptions as drf

logger = logging.getLogger(__name__)

# The cookies a browser login sets: session token, user id, CSRF token.
SESSION_COOKIES = ("MMAUTHTOKEN", "MMUSERID", "MMCSRF")


class AppError(drf.APIException):
    """A failure a client is told about: a Mattermost error id, an HTTP status and a message."""

    def __init__(
        self,
        error_id: str,
        message: str,
        status: int,
        detailed_error: str = "",
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message)
        self.error_id = error_id
        self.message = message
        self.status_code = status
        self.detailed_error = detailed_error
        self.headers = headers or {}

    def __str__(self) -> str:
        return f"{self.status_code} {self.error_id}: {self.message}"


# Errors shared by every API face. Domain errors live beside the services that raise them.


def invalid_url_param(name: str) -> AppError:
    return AppError(
        "api.context.invalid_url_param.app_error",
        f"The URL parameter '{name}' is missing or not valid.",
        400,
    )


def invalid_body_param(name: str, detail: str = "") -> AppError:
    return AppError(
        "api.context.invalid_body_param.app_error",
        f"The request body field '{name}' is missing or not valid.",
        400,
        detail,
    )


def session_expired(detail: str = "") -> AppError:
    return AppError(
        "api.context.session_expired.app_error",
        "The session is missing, invalid or expired; please log in again.",
        401,
        detail,
    )


def permission_denied(user_id: str = "", permission: str = "") -> AppError:
    detail = f"userId={user_id}, permission={permission}" if permission else ""
    return AppError(
        "api.context.permissions.app_error",
        "You are not allowed to do this.",
        403,
        detail,
    )


def route_not_found(path: str) -> AppError:
    return AppError(
        "api.context.404.app_error",
        "There is nothing at this address.",
        404,
        f"No API route matches the URL '{path}'. Check the path, the ids in it and the method.",
    )


def method_not_allowed(method: str) -> AppError:
    return AppError(
        "api.context.method_not_allowed.app_error",
        f"The method {method} is not allowed here.",
        405,
    )


def unsupported_media_type(media_type: str) -> AppError:
    return AppError(
        "api.context.unsupported_media_type.app_error",
        f"The request body type '{media_type}' is not accepted here; send JSON.",
        415,
    )


def rate_limited(retry_after: int) -> AppError:
    return AppError(
        "api.context.rate_limit_exceeded.app_error",
        "limit exceeded",
        429,
        headers={"Retry-After": str(retry_after)},
    )


INTERNAL_ERROR_ID = "api.context.internal_error.app_error"


def internal_error(detail: str = "") -> AppError:
    return AppError(
        INTERNAL_ERROR_ID,
        "The server failed to handle this request.",
        500,
        detail,
    )


def _detail(error: AppError) -> str:
    # detailed_error can name internals; like Mattermost, only developer mode reveals it,
    # except for the unknown-route hint, which only repeats the caller's own URL.
    show = settings.MATTERMOST.enable_developer or error.status_code == 404
    return error.detailed_error if show else ""


def error_body(error: AppError, request_id: str = "") -> dict[str, Any]:
    """Mattermost's error object (also embedded in some success bodies, e.g. batch results).
    ``request_id`` is left out when empty, as Mattermost omits it."""
    body: dict[str, Any] = {
        "id": error.error_id,
        "message": error.message,
        "detailed_error": _detail(error),
    }
    if request_id:
        body["request_id"] = request_id
    body["status_code"] = error.status_code
    return body


def v1_error_body(error: AppError, request_id: str) -> dict[str, Any]:
    """The error object of Mattermost 1.x: no ``id`` (1.x had no error ids; clients read
    the status and the message) and an ``is_oauth`` flag, never set here."""
    return {
        "message": error.message,
        "detailed_error": _detail(error),
        "request_id": request_id,
        "status_code": error.status_code,
        "is_oauth": False,
    }


def error_response(request: HttpRequest, error: AppError) -> HttpResponse:
    """The JSON response for ``error`` in the context of ``request``."""
    request_id = getattr(request, "request_id", "")
    v1 = getattr(request, "api_v1", False)
    body = v1_error_body(error, request_id) if v1 else error_body(error, request_id)
    response = JsonResponse(body, status=error.status_code)
    if v1 and error.status_code >= 500 and error.error_id != INTERNAL_ERROR_ID:
        # 1.x answered many ordinary refusals with a 500; they are no server failures, so
        # Django is told not to log them as such.
        response._has_been_logged = True  # type: ignore[attr-defined]
    for name, value in error.headers.items():
        response[name] = value
    if getattr(request, "invalid_token", False) and SESSION_COOKIES[0] in request.COOKIES:
        # A dead session cookie is cleared so the browser stops sending it. (A refused
        # cross-site request keeps it: that must not log the real user out.)
        clear_session_cookies(response)
    return response


def clear_session_cookies(response: HttpResponse) -> None:
    for name in SESSION_COOKIES:
        response.delete_cookie(name)


def as_app_error(exc: Exception, request: HttpRequest) -> AppError | None:
    """``exc`` as the AppError the client is told about; None for an unexpected crash."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, drf.Throttled):
        return rate_limited(int(getattr(exc, "wait", None) or 1))
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return session_expired(str(exc.detail))
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        return permission_denied()
    if isinstance(exc, Http404 | drf.NotFound):
        return route_not_found(request.path)
    if isinstance(exc, drf.MethodNotAllowed):
        return method_not_allowed(request.method or "")
    if isinstance(exc, drf.UnsupportedMediaType):
        return unsupported_media_type(request.content_type or "")
    if isinstance(exc, drf.ParseError):
        return invalid_body_param("body", str(exc.detail))
    if isinstance(exc, drf.ValidationError):
        return _validation_error(exc.detail)
    if isinstance(exc, drf.APIException):
        return AppError(
            f"api.context.{exc.status_code}.app_error", str(exc.detail), exc.status_code
        )
    return None


def _validation_error(detail: Any) -> AppError:
    if isinstance(detail, dict) and detail:
        name, problems = next(iter(detail.items()))
        field = "body" if name == "non_field_errors" else str(name)
        return invalid_body_param(field, str(problems))
    return invalid_body_param("body", str(detail))


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: every API exception becomes a Mattermost error body."""
    request = context["request"]
    error = as_app_error(exc, request)
    if error is None:
        return None  # unexpected: Django logs it and handler500 answers
    return error_response(request._request if hasattr(request, "_request") else request, error)


# Django's error views, for what happens outside DRF (unknown URLs, crashes).


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request,
        AppError("api.context.bad_request.app_error", "The request is not valid.", 400),
    )


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, permission_denied())


# API v3's router answered an unknown URL with the error JSON labelled as plain text and
# without a request id; v3 clients only look at the status there.
LEGACY_NOT_FOUND_PREFIX = "/api/v3/"
# API v1's router answered an unknown URL (or a known one with the wrong method) with the
# web app's HTML error page.
V1_PREFIX = "/api/v1/"


def v1_not_found_page(request: HttpRequest) -> HttpResponse:
    return render(request, "api_v1_not_found.html", status=404)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(V1_PREFIX):
        return v1_not_found_page(request)
    error = route_not_found(request.path)
    if request.path.startswith(LEGACY_NOT_FOUND_PREFIX):
        return HttpResponse(
            json.dumps(error_body(error)),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return error_response(request, error)


def handler500(request: HttpRequest) -> HttpResponse:
    return error_response(request, internal_error())
