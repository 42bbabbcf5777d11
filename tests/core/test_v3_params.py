"""How API v3 views read request values and rename errors."""

from __future__ import annotations

import json

import pytest
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api.v3.errors import legacy_error_ids
from apps.core.api.v3.params import (
    FLAG,
    MAX_WINDOW,
    NUMBER,
    STRING_MAP,
    TEXT,
    go_map,
    struct_body,
    window,
)
from apps.core.errors import AppError
from apps.core.pagination import OffsetPage

FIELDS = {"name": TEXT, "open": FLAG, "count": NUMBER, "props": STRING_MAP}


def parsed(body: object) -> Request:
    raw = APIRequestFactory().post("/", json.dumps(body), content_type="application/json")
    return Request(raw, parsers=[JSONParser()])


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a", "open": True, "count": 3, "props": {"k": "v"}},
        {"name": None, "open": None},  # null is the zero value
        {"other": [1, 2]},  # unknown keys are ignored
        {},
    ],
)
def test_struct_body_takes_what_go_decoded(body: dict[str, object]) -> None:
    assert struct_body(parsed(body), "thing", FIELDS) == body


@pytest.mark.parametrize(
    "body",
    [
        {"name": 1},
        {"open": "true"},
        {"count": True},
        {"count": 1.5},
        {"props": {"k": 1}},
        ["name"],
        "text",
    ],
)
def test_struct_body_refuses_a_wrong_type_as_the_invalid_parameter(body: object) -> None:
    with pytest.raises(AppError) as caught:
        struct_body(parsed(body), "thing", FIELDS)
    assert caught.value.error_id == "api.context.invalid_param.app_error"
    assert "thing" in caught.value.message


def test_window_counts_rows_and_clamps_the_limit() -> None:
    assert window(5, 10) == OffsetPage(per_page=10, start=5)
    assert window(0, 10**6) == OffsetPage(per_page=MAX_WINDOW, start=0)


@pytest.mark.parametrize(("offset", "limit", "name"), [(2**63, 1, "offset"), (0, 2**63, "limit")])
def test_window_refuses_numbers_go_could_not_read(offset: int, limit: int, name: str) -> None:
    with pytest.raises(AppError) as caught:
        window(offset, limit)
    assert name in caught.value.message


def test_go_map_sorts_the_keys() -> None:
    assert list(go_map({"version": 1, "server_time": 2})) == ["server_time", "version"]


def test_legacy_error_ids_rename_only_the_listed_errors() -> None:
    ids = {"app.new.id": "store.old.id"}
    with pytest.raises(AppError) as caught, legacy_error_ids(ids):
        raise AppError("app.new.id", "Taken.", 400)
    assert (caught.value.error_id, caught.value.status_code) == ("store.old.id", 400)
    with pytest.raises(AppError) as caught, legacy_error_ids(ids):
        raise AppError("app.other.id", "Other.", 404)
    assert caught.value.error_id == "app.other.id"
