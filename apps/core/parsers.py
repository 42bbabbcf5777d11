"""Request bodies are JSON, as Mattermost reads them.

Mattermost decodes the body as JSON whatever the Content-Type says, and real scripts
(``curl -d``) send JSON labelled as a form. We accept JSON under those labels too and
refuse other media types (multipart, XML ...) with 415 instead of guessing.
"""

from __future__ import annotations

import json
from typing import IO, Any

from rest_framework.exceptions import NotAcceptable, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.request import Request

JSON_LIKE = ("application/json", "text/plain", "application/x-www-form-urlencoded")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def has_nul(value: Any) -> bool:
    """Whether a decoded JSON value holds a NUL character (``\\u0000``) in any string or
    key. PostgreSQL cannot store one, so such a body is refused up front (a 400) rather
    than failing in the database (a 500)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


class MattermostJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        raw = stream.read()
        if not raw:
            return {}
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
            nul = has_nul(data)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"malformed JSON: {exc}") from None
        if nul:
            raise ParseError("strings in the body may not contain NUL characters")
        return data


class MattermostContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        # Mattermost ignores Accept and always answers JSON; a browser's or a script's
        # odd Accept header must not turn into a 406.
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type in ("", *JSON_LIKE):
            for parser in parsers:
                if isinstance(parser, MattermostJSONParser):
                    return parser
        return super().select_parser(request, parsers)
