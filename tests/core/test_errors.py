from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_unknown_route_is_a_json_404(client: Client) -> None:
    body = assert_error(client.get("/api/v4/nope"), 404, "api.context.404.app_error")
    assert "/api/v4/nope" in body["detailed_error"]


def test_unknown_v1_route_is_an_html_404_page(client: Client) -> None:
    # Mattermost 1.x answered unknown API routes with its web error page.
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<html" in response.content


def test_trailing_slash_is_not_redirected(client: Client) -> None:
    assert_error(client.get("/api/v4/system/ping/"), 404, "api.context.404.app_error")


def test_wrong_method_is_a_json_405(client: Client) -> None:
    assert_error(
        client.delete("/api/v4/system/ping"), 405, "api.context.method_not_allowed.app_error"
    )


def test_request_ids_differ_per_request_and_match_the_body(client: Client) -> None:
    first = assert_error(client.get("/api/v4/nope"), 404, "api.context.404.app_error")
    second = assert_error(client.get("/api/v4/nope"), 404, "api.context.404.app_error")
    assert first["request_id"] != second["request_id"]


pytestmark_probe = pytest.mark.urls("tests.core.probe_urls")


@pytestmark_probe
def test_json_body_is_parsed(client: Client) -> None:
    response = client.post("/api/v4/probe/echo", {"a": [1, "x"]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"received": {"a": [1, "x"]}}


@pytestmark_probe
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_json_sent_with_another_label_is_still_read(client: Client, content_type: str) -> None:
    # curl -d labels JSON as a form; Mattermost reads the body as JSON regardless.
    response = client.generic(
        "POST", "/api/v4/probe/echo", json.dumps({"k": "v"}), content_type=content_type
    )
    assert response.status_code == 200
    assert response.json() == {"received": {"k": "v"}}


@pytestmark_probe
@pytest.mark.parametrize(
    "body",
    ['{"a": ', "{'single': 1}", '{"a": NaN}', "\xff\xfe", "[" * 5000 + "]" * 5000],
    ids=["truncated", "single-quotes", "nan", "bad-utf8", "too-deep"],
)
def test_malformed_json_is_a_400(client: Client, body: str) -> None:
    raw = body.encode("latin-1") if body == "\xff\xfe" else body.encode()
    response = client.generic("POST", "/api/v4/probe/echo", raw, content_type="application/json")
    assert_error(response, 400, "api.context.invalid_body_param.app_error")


@pytestmark_probe
def test_other_media_types_are_a_415(client: Client) -> None:
    response = client.generic("POST", "/api/v4/probe/echo", b"<a/>", content_type="application/xml")
    assert_error(response, 415, "api.context.unsupported_media_type.app_error")


@pytestmark_probe
def test_validation_errors_name_the_field(client: Client, mm_config) -> None:
    mm_config(enable_developer=True)
    response = client.post(
        "/api/v4/probe/validate", {"count": "many"}, content_type="application/json"
    )
    body = assert_error(response, 400, "api.context.invalid_body_param.app_error")
    assert "'count'" in body["message"]
    assert body["detailed_error"]


@pytestmark_probe
def test_detailed_error_is_hidden_unless_developer_mode(client: Client) -> None:
    response = client.post("/api/v4/probe/validate", {"count": -1}, content_type="application/json")
    assert (
        assert_error(response, 400, "api.context.invalid_body_param.app_error")["detailed_error"]
        == ""
    )


@pytestmark_probe
def test_a_crash_is_a_json_500(client: Client) -> None:
    client.raise_request_exception = False
    assert_error(client.get("/api/v4/probe/crash"), 500, "api.context.internal_error.app_error")


def test_accept_header_never_causes_a_406(client: Client) -> None:
    response = client.get("/api/v4/system/ping", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "OK"
