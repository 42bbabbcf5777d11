"""Reading v3 bodies and URL numbers as the Go handlers decoded them."""

from __future__ import annotations

import json

import pytest
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api.v3.decoding import (
    decoded_object,
    is_flag,
    is_int64,
    is_text,
    string_array,
    text,
    url_number,
)
from apps.core.errors import AppError
from apps.core.parsers import MattermostJSONParser

FIELDS = {"name": is_text, "count": is_int64, "on": is_flag}


def parsed(raw: str) -> Request:
    request = APIRequestFactory().post("/", raw, content_type="application/json")
    return Request(request, parsers=[MattermostJSONParser(), JSONParser()])


def refused(error: pytest.ExceptionInfo[AppError], name: str) -> bool:
    value = error.value
    return (
        value.error_id == "api.context.invalid_param.app_error"
        and value.status_code == 400
        and f"'{name}'" in value.message
    )


def test_an_object_with_the_right_types_decodes() -> None:
    body = {"name": "dev", "count": 3, "on": True, "other": [1], "skip": None}
    data = decoded_object(parsed(json.dumps(body)), "thing", FIELDS)
    assert text(data, "name") == "dev"
    assert text(data, "missing") == ""
    nulls = decoded_object(parsed('{"name": null}'), "thing", FIELDS)
    assert text(nulls, "name") == ""


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": 5}',
        '{"count": "3"}',
        '{"count": true}',
        f'{{"count": {2**64}}}',
        '{"on": "true"}',
        '["name"]',
        '"text"',
        "{not json",
    ],
)
def test_anything_else_is_the_whole_object_invalid(raw: str) -> None:
    with pytest.raises(AppError) as error:
        decoded_object(parsed(raw), "thing", FIELDS)
    assert refused(error, "thing")


def test_string_arrays() -> None:
    assert string_array(parsed('["a", "b"]'), "ids") == ["a", "b"]
    for raw in ("[]", '["a", 1]', '{"a": "b"}', "nope", json.dumps(["x"] * 10_001)):
        with pytest.raises(AppError) as error:
            string_array(parsed(raw), "ids")
        assert refused(error, "ids")


def test_url_numbers_stop_at_int64() -> None:
    assert url_number(2**63 - 1, "offset") == 2**63 - 1
    with pytest.raises(AppError) as error:
        url_number(2**63, "offset")
    assert refused(error, "offset")
