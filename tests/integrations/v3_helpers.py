"""What the API v3 webhook and command tests share (their world is tests/channels/v3_setup.py:
alice is the admin of team alpha, bob a plain member, carol in no team, dana a system admin)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.core.roles import ROLE_PERMISSIONS


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def grant_team_users(monkeypatch: pytest.MonkeyPatch, *permissions: str) -> None:
    """Give every team member ``permissions`` (plain members manage no integration)."""
    monkeypatch.setitem(
        ROLE_PERMISSIONS, "team_user", ROLE_PERMISSIONS["team_user"] | set(permissions)
    )
