"""Request bodies and URL numbers as the v3 handlers decoded them: bodies into Go structs
(``ChannelFromJson``, ``PostFromJson``, ``ArrayFromJson`` ...), numbers with ``Atoi``.

A body that does not decode (not JSON, not an object, a field of the wrong JSON type)
gives the handler nothing, and it reports the whole object as an invalid parameter
(400 ``api.context.invalid_param.app_error``). Keys the struct does not know are ignored,
and ``null`` leaves a field at its zero value, as Go's decoder does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.request import Request

from apps.core.api.v3.base import invalid_param

# The largest integer an int64 field takes.
_INT64_MAX = 2**63 - 1
# The most ids one array body may carry (v4's bound; Go had none).
MAX_ARRAY_ITEMS = 10_000

FieldCheck = Callable[[Any], bool]


def is_text(value: Any) -> bool:
    return isinstance(value, str)


def is_int64(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _INT64_MAX


def is_flag(value: Any) -> bool:
    return isinstance(value, bool)


def is_object(value: Any) -> bool:
    return isinstance(value, dict)


def is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _json(request: Request) -> Any:
    """The decoded body, or None when it is not JSON."""
    try:
        return request.data
    except ParseError:
        return None


def decoded_object(request: Request, name: str, fields: Mapping[str, FieldCheck]) -> dict[str, Any]:
    """The body as a JSON object whose ``fields``, where present and not null, pass their
    check; anything else is ``invalid_param(name)``."""
    data = _json(request)
    if not isinstance(data, dict):
        raise invalid_param(name)
    for field, check in fields.items():
        value = data.get(field)
        if value is not None and not check(value):
            raise invalid_param(name)
    return data


def text(data: Mapping[str, Any], field: str) -> str:
    """A string field of a decoded object ("" when absent or null)."""
    value = data.get(field)
    return value if isinstance(value, str) else ""


def string_array(request: Request, name: str) -> list[str]:
    """``model.ArrayFromJson``: the body as a JSON array of strings. Anything else reads as
    an empty array, which the handlers report as the missing ``name``."""
    data = _json(request)
    if not is_text_list(data) or not data or len(data) > MAX_ARRAY_ITEMS:
        raise invalid_param(name)
    return list(data)


def url_number(value: int, name: str) -> int:
    """A ``[0-9]+`` URL segment as ``strconv.Atoi`` read it: beyond int64 it is invalid."""
    if value > _INT64_MAX:
        raise invalid_param(name)
    return value
