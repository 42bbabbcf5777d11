from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.core.config import SERVER_VERSION
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_every_response_carries_request_and_version_ids(client: Client) -> None:
    for path in ("/api/v4/system/ping", "/api/v4/nope", "/"):
        response = client.get(path)
        assert re.fullmatch(r"[a-z0-9]{26}", response["X-Request-Id"])
        assert re.fullmatch(
            rf"{re.escape(SERVER_VERSION)}\.dev\.[0-9a-f]{{32}}\.false", response["X-Version-Id"]
        )


def test_json_content_type_has_no_charset(client: Client) -> None:
    assert client.get("/api/v4/system/ping")["Content-Type"] == "application/json"
    assert client.get("/api/v4/nope")["Content-Type"] == "application/json"


def test_api_gets_are_not_cached_by_proxies(client: Client) -> None:
    response = client.get("/api/v4/system/ping")
    assert response["Expires"] == "0"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"


def test_version_changes_with_client_visible_settings(client: Client, mm_config) -> None:
    before = client.get("/api/v4/system/ping")["X-Version-Id"]
    mm_config(site_url="https://chat.example.com")
    from apps.core.middleware import version_header

    assert version_header() != before


def test_overlong_url_is_a_414(client: Client) -> None:
    response = client.get("/api/v4/system/ping?x=" + "a" * 2100)
    assert_error(response, 414, "basic_security_check.url.too_long_error")


def test_oversize_body_is_a_413(client: Client, mm_config) -> None:
    mm_config(maximum_payload_size_bytes=1000)
    response = client.post("/api/v4/users/logout", "x" * 1001, content_type="application/json")
    assert_error(response, 413, "api.context.request_body_too_large.app_error")
