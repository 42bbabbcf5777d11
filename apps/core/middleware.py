"""Per-request bookkeeping every response shares: request id, version header, exact JSON
content type, and the request-size guards Mattermost applies before routing."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.core.config import SERVER_VERSION
from apps.core.errors import AppError, error_response
from apps.core.ids import new_id
from apps.core.logs import REQUEST_ID

BUILD_NUMBER = "dev"

# Routes that receive files. Their bodies may be as large as FileSettings.MaxFileSize
# instead of MaximumPayloadSizeBytes. (This runs before routing, hence paths, not views.)
UPLOAD_PATHS = (
    re.compile(r"^/api/v4/users/[^/]+/image$"),
    re.compile(r"^/api/v4/files$"),
    re.compile(r"^/api/v3/users/newimage$"),
    re.compile(r"^/api/v3/teams/[^/]+/files/upload$"),
    re.compile(r"^/api/v1/users/newimage$"),
)
_REPEATED_SLASHES = re.compile(r"/{2,}")


def version_header() -> str:
    """``<version>.<build>.<client config hash>.<licensed>``, as Mattermost sends it."""
    return f"{SERVER_VERSION}.{BUILD_NUMBER}.{settings.MATTERMOST.client_config_hash()}.false"


def body_limit(path: str) -> int:
    """The largest request body accepted at ``path``."""
    config = settings.MATTERMOST
    if any(pattern.match(path) for pattern in UPLOAD_PATHS):
        return config.max_file_size
    return config.maximum_payload_size_bytes


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > body_limit(request.path)


def collapse_slashes(request: HttpRequest) -> None:
    """Route ``/api/v4/posts/x//reactions`` as ``/api/v4/posts/x/reactions``. Mattermost's
    router cleans such paths (with a 301), and clients build them: mattermostdriver asks for
    a post's reactions with a double slash. Rewriting the path in place serves every method
    at once, where a redirect would turn a POST or DELETE into a GET."""
    if "//" in request.path_info:
        request.path_info = _REPEATED_SLASHES.sub("/", request.path_info)
        request.path = _REPEATED_SLASHES.sub("/", request.path)


# Browser pages that check their own parameters and answer a bad one with a page of
# their own (the OAuth authorization page), rather than with an API error.
PAGES_CHECKING_THEIR_INPUT = ("/oauth/",)


def _nul_in_url(request: HttpRequest) -> bool:
    """Whether the path or the query has a NUL character: no name, id or search term holds
    one, and the database refuses them."""
    if request.path.startswith(PAGES_CHECKING_THEIR_INPUT):
        return False
    return "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "")


class ApiContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.version_id = version_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = new_id()  # type: ignore[attr-defined]
        request_id_token = REQUEST_ID.set(request.request_id)  # type: ignore[attr-defined]
        try:
            return self._serve(request)
        finally:
            REQUEST_ID.reset(request_id_token)

    def _serve(self, request: HttpRequest) -> HttpResponse:
        collapse_slashes(request)
        config = settings.MATTERMOST
        if len(request.get_full_path()) > config.maximum_url_length:
            response = error_response(
                request,
                AppError(
                    "basic_security_check.url.too_long_error",
                    "The request URL is too long.",
                    414,
                ),
            )
        elif _nul_in_url(request):
            response = error_response(
                request,
                AppError(
                    "api.context.invalid_url_param.app_error",
                    "The request URL may not contain NUL characters (%00).",
                    400,
                ),
            )
        elif _too_large(request):
            response = error_response(
                request,
                AppError(
                    "api.context.request_body_too_large.app_error",
                    "The request body is too large.",
                    413,
                ),
            )
        else:
            response = self.get_response(request)
        return self._decorate(request, response)

    def _decorate(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        response["X-Version-Id"] = self.version_id
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/json"):
            # Clients compare the header literally; a charset suffix breaks them.
            response["Content-Type"] = "application/json"
        if request.method == "GET" and request.path.startswith("/api/"):
            # (API v1 marks a few answers "Expires: -1" itself, as 1.x did.)
            response.setdefault("Expires", "0")
        for name, value in getattr(request, "ratelimit_headers", {}).items():
            response[name] = value
        return response
