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


# Deeper JSON than this is refused: Python's encoder and decoder recurse, so a request
# nesting thousands of lists would otherwise end in a RecursionError (a 500).
MAX_JSON_DEPTH = 100


class UnstorableJSON(ValueError):
    """Decoded JSON that this server cannot store or re-encode safely."""


def check_storable(value: Any) -> None:
    """Refuse decoded JSON holding a NUL character (``\\u0000``, which PostgreSQL cannot
    store) in any string or key, or nested deeper than ``MAX_JSON_DEPTH``. Iterative, so
    the check itself costs no stack."""
    waiting: list[tuple[Any, int]] = [(value, 0)]
    while waiting:
        item, depth = waiting.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise UnstorableJSON("strings may not contain NUL characters")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise UnstorableJSON(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        waiting.extend((child, depth + 1) for child in children)


def loads_storable(raw: str | bytes) -> Any:
    """``json.loads`` that also refuses what ``check_storable`` refuses; every failure is
    a ``ValueError`` (over-deep input included)."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise UnstorableJSON(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep") from exc
    check_storable(value)
    return value


class MattermostJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        raw = stream.read()
        if not raw:
            return {}
        try:
            return loads_storable(raw)
        except UnstorableJSON as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:
            raise ParseError(f"malformed JSON: {exc}") from None


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
