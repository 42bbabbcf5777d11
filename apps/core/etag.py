"""ETags as Mattermost builds them: unquoted, ``<server version>.<part>.<part>...``,
compared byte for byte with If-None-Match."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.config import SERVER_VERSION


def make_etag(*parts: object, version: str = SERVER_VERSION) -> str:
    """``version`` leads the tag; the legacy API faces name the server generation they
    imitate, so a client's cached tags stay comparable."""

    def text(part: object) -> str:
        return ("true" if part else "false") if isinstance(part, bool) else str(part)

    return ".".join([version, *(text(p) for p in parts)])


def client_has(request: Request, etag: str) -> bool:
    """The client's If-None-Match names exactly this version."""
    return request.headers.get("If-None-Match") == etag


def not_modified(etag: str) -> Response:
    return Response(status=304, headers={"ETag": etag})


def etag_response(request: Request, etag: str, body: object) -> Response:
    """304 when the client already holds this version, else 200 with the body and ETag.

    ``body`` may be a callable so the serialization is skipped on a 304."""
    if client_has(request, etag):
        return not_modified(etag)
    data = body() if callable(body) else body
    return Response(data, headers={"ETag": etag})
