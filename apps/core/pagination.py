"""``page`` / ``per_page`` query parameters, read the way Mattermost reads them: a page of
60 rows by default, at most 200 (more is silently clamped), and a missing, malformed or
negative value falls back to the default instead of failing the request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet
from rest_framework.request import Request

DEFAULT_PER_PAGE = 60
MAX_PER_PAGE = 200
# Offsets past this are beyond any table and beyond what databases accept as an integer.
_MAX_OFFSET = 2**62
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page:
    page: int = 0
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return self.page * self.per_page

    @property
    def empty(self) -> bool:
        """Whether the page holds no rows whatever the query: ``per_page`` 0 (or less), or an offset
        beyond any table."""
        return self.per_page <= 0 or self.offset >= _MAX_OFFSET

    def of(self, queryset: QuerySet[M]) -> list[M]:
        """This page's rows of ``queryset`` (which must be ordered), in one query."""
        if self.empty:
            return []
        return list(queryset[self.offset : self.offset + self.per_page])


@dataclass(frozen=True)
class OffsetPage(Page):
    """``per_page`` rows from row ``start``: the legacy APIs' ``{offset}/{limit}`` URLs
    count their offsets in rows, not in pages."""

    start: int = 0

    @property
    def offset(self) -> int:
        return self.start


def rows_from(offset: int, limit: int) -> Page:
    """The rows of an API v3 ``{offset}/{limit}`` post or channel URL, the limit clamped
    like v4's."""
    return OffsetPage(per_page=min(limit, MAX_PER_PAGE), start=offset)


def _integer(raw: str | None) -> int | None:
    if raw is None or not _INTEGER.fullmatch(raw):
        return None
    return int(raw)


def page_from(request: Request) -> Page:
    page = _integer(request.query_params.get("page"))
    per_page = _integer(request.query_params.get("per_page"))
    if page is None or page < 0:
        page = 0
    if per_page is None or per_page < 0:
        per_page = DEFAULT_PER_PAGE
    return Page(page=page, per_page=min(per_page, MAX_PER_PAGE))
