"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any

ERROR_KEYS = {"id", "message", "detailed_error", "request_id", "status_code"}


def assert_error(response: Any, status: int, error_id: str) -> dict[str, Any]:
    """The response is Mattermost's error body with this status and id."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["id"] == error_id, body
    assert body["status_code"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["request_id"] == response["X-Request-Id"]
    return body


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
