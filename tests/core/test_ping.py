from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER, User
from apps.core import health
from tests.helpers import bearer

pytestmark = pytest.mark.django_db

PING_KEYS = {
    "status",
    "AndroidLatestVersion",
    "AndroidMinVersion",
    "IosLatestVersion",
    "IosMinVersion",
    "ActiveSearchBackend",
}


def test_v4_ping(client: Client) -> None:
    response = client.get("/api/v4/system/ping")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PING_KEYS
    assert body["status"] == "OK"
    assert body["ActiveSearchBackend"] == "database"


def test_v4_ping_with_server_status(client: Client) -> None:
    response = client.get("/api/v4/system/ping?get_server_status=true")
    body = response.json()
    assert response.status_code == 200
    assert body["database_status"] == "OK"
    assert body["filestore_status"] == "OK"
    assert "root_status" not in body  # only admins learn that
    assert response["database_status"] == "OK"
    assert response["status"] == "OK"


def test_admin_sees_root_status(client: Client, user: User, login) -> None:
    user.roles = f"{ROLE_SYSTEM_ADMIN} {ROLE_SYSTEM_USER}"
    user.save()
    _, token = login(user)
    body = client.get("/api/v4/system/ping?get_server_status=true", **bearer(token)).json()
    assert isinstance(body["root_status"], bool)


def test_unhealthy_database_is_reported(client: Client, monkeypatch) -> None:
    monkeypatch.setattr("apps.core.api.v4.views.database_ok", lambda: False)
    response = client.get("/api/v4/system/ping?get_server_status=true")
    assert response.status_code == 500
    assert response.json()["status"] == "UNHEALTHY"
    assert response.json()["database_status"] == "UNHEALTHY"
    rest = client.get("/api/v4/system/ping?get_server_status=true&use_rest_semantics=true")
    assert rest.status_code == 200
    assert rest.json()["status"] == "UNHEALTHY"


def test_database_check_really_queries() -> None:
    assert health.database_ok() is True


def test_v3_ping(client: Client) -> None:
    response = client.get("/api/v3/general/ping")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "4.10.0"
    assert isinstance(body["server_time"], str)
    assert body["server_time"].isdigit()
