"""Request values as API v3 read them, and map bodies as it wrote them.

- Lists of ids are bare JSON arrays of strings; anything else (or an empty array) is the
  missing parameter.
- ``{offset}/{limit}`` URL parts count rows. The router only lets digits through; numbers
  too large for Go's integers were a 400, and very large limits are clamped here so one
  request cannot ask for every row of a big table.
- Go writes a map with its keys sorted; clients that cache bodies as text see the same
  bytes for the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from rest_framework.request import Request

from apps.core.api.v3.base import invalid_param
from apps.core.pagination import Window

# The most rows one {offset}/{limit} request returns.
MAX_WINDOW = 1000
# Past this, Go's strconv.Atoi failed: the request was a 400.
MAX_URL_NUMBER = 2**63 - 1
MAX_LIST_ITEMS = 10_000

V = TypeVar("V")


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


def window(offset: int, limit: int) -> Window:
    """The rows an ``{offset}/{limit}`` URL asks for."""
    if offset > MAX_URL_NUMBER:
        raise invalid_param("offset")
    if limit > MAX_URL_NUMBER:
        raise invalid_param("limit")
    return Window(offset=offset, limit=min(limit, MAX_WINDOW))


def go_map(values: Mapping[str, V]) -> dict[str, V]:
    """``values`` with its keys in the order Go's JSON encoder writes them."""
    return dict(sorted(values.items()))
