"""The transport rules every API v3 route shares."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api.v3.base import string_map


@pytest.mark.parametrize("path", ["/api/v3/nope", "/api/v3/nope/deeper"])
def test_unknown_v3_route_is_a_plain_text_404_with_the_error_json(
    client: Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = json.loads(response.content)
    assert body["id"] == "api.context.404.app_error"
    assert body["status_code"] == 404
    assert "request_id" not in body
    assert path in body["detailed_error"]


def test_unknown_v4_route_stays_json(client: Client) -> None:
    response = client.get("/api/v4/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_v3_only_speaks_get_and_post(client: Client, method: str) -> None:
    response = getattr(client, method)("/api/v3/general/ping")
    assert response.status_code == 405


def _parsed(body: object) -> Request:
    raw = APIRequestFactory().post("/", json.dumps(body), content_type="application/json")
    return Request(raw, parsers=[JSONParser()])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"user_id": "abc", "active": "true"}, {"user_id": "abc", "active": "true"}),
        ({"user_id": "abc", "active": True}, {}),  # one non-string value empties the map
        (["user_id"], {}),
        ("text", {}),
        ({}, {}),
    ],
)
def test_string_map_reads_like_v3(body: object, expected: dict[str, str]) -> None:
    assert string_map(_parsed(body)) == expected
