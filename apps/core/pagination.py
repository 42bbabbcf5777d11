"""``page`` / ``per_page`` as Mattermost reads them: bad values fall back to the defaults,
``per_page`` is capped at 200 (silently) and may be 0."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.request import Request

DEFAULT_PER_PAGE = 60
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return self.page * self.per_page


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def page_params(request: Request) -> Page:
    page = _int(request.query_params.get("page"))
    per_page = _int(request.query_params.get("per_page"))
    if page is None or page < 0:
        page = 0
    if per_page is None or per_page < 0:
        per_page = DEFAULT_PER_PAGE
    return Page(page=page, per_page=min(per_page, MAX_PER_PAGE))
