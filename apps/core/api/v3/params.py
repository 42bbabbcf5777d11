"""Request values as API v3 read them, and what it wrote back: maps and ETags.

- Object bodies were decoded into Go structs: a known field of the wrong JSON type fails
  the whole body (the handler reports the invalid parameter), ``null`` is the zero value
  and unknown keys are ignored.
- Lists of ids are bare JSON arrays of strings; anything else (or an empty array) is the
  missing parameter.
- ``{offset}/{limit}`` URL parts count rows. The router only lets digits through; numbers
  too large for Go's integers were a 400, and very large limits are clamped here so one
  request cannot ask for every row of a big table.
- Go writes a map with its keys sorted; clients that cache bodies as text see the same
  bytes for the same data.
- ETags start with the version of the last v3 server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from rest_framework.request import Request

from apps.core.api.v3.base import invalid_param
from apps.core.config import V3_SERVER_VERSION
from apps.core.etag import make_etag
from apps.core.pagination import OffsetPage, Page

# The most rows one {offset}/{limit} request returns.
MAX_WINDOW = 1000
# Past this, Go's strconv.Atoi failed: the request was a 400.
MAX_URL_NUMBER = 2**63 - 1
MAX_LIST_ITEMS = 10_000

V = TypeVar("V")


# The JSON types of a Go struct's fields.
FieldType = Callable[[object], bool]


def TEXT(value: object) -> bool:
    return isinstance(value, str)


def FLAG(value: object) -> bool:
    return isinstance(value, bool)


def NUMBER(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def STRING_MAP(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def struct_body(request: Request, name: str, fields: Mapping[str, FieldType]) -> dict[str, Any]:
    """The body as Go decoded it into a struct with these ``fields``, else the invalid
    ``name`` parameter."""
    data: Any = request.data
    if not isinstance(data, dict):
        raise invalid_param(name)
    for key, value in data.items():
        check = fields.get(key)
        if value is not None and check is not None and not check(value):
            raise invalid_param(name)
    return data


def string_list(request: Request, name: str) -> list[str]:
    """A non-empty JSON array of strings (v3's ``ArrayFromJson``), else the invalid ``name``."""
    data: Any = request.data
    if (
        not isinstance(data, list)
        or not 0 < len(data) <= MAX_LIST_ITEMS
        or not all(isinstance(item, str) for item in data)
    ):
        raise invalid_param(name)
    return data


def window(offset: int, limit: int) -> Page:
    """The rows an ``{offset}/{limit}`` URL asks for."""
    if offset > MAX_URL_NUMBER:
        raise invalid_param("offset")
    if limit > MAX_URL_NUMBER:
        raise invalid_param("limit")
    return OffsetPage(per_page=min(limit, MAX_WINDOW), start=offset)


def go_map(values: Mapping[str, V]) -> dict[str, V]:
    """``values`` with its keys in the order Go's JSON encoder writes them."""
    return dict(sorted(values.items()))


def v3_etag(*parts: object) -> str:
    return make_etag(*parts, version=V3_SERVER_VERSION)
