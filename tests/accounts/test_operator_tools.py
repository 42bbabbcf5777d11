from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_a_working_system_admin(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "adminpass1")
    call_command(
        "createsuperuser", interactive=False, username="Boss", email="boss@example.com", verbosity=0
    )
    boss = User.objects.get(username="boss")
    assert boss.is_system_admin
    assert boss.is_staff
    response = client.post(
        "/api/v4/users/login",
        json.dumps({"login_id": "boss", "password": "adminpass1"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["roles"] == "system_admin system_user"


def test_admin_site_is_for_system_admins_only(client: Client, admin: User, user: User) -> None:
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    client.logout()
    client.force_login(user)
    assert client.get("/admin/accounts/user/").status_code == 302  # sent to the login page


def test_admin_action_resets_a_lockout(client: Client, admin: User, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_attempts=10, last_failed_login_at=1)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_lockout", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_attempts == 0


def test_admin_filters_and_deactivation(client: Client, admin: User, user: User, login) -> None:
    _, token = login(user)
    client.force_login(admin)
    admins_only = client.get("/admin/accounts/user/?role=admin").content.decode()
    assert "root@example.com" in admins_only
    assert "alice@example.com" not in admins_only
    client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert not user.is_active
    api = Client()
    assert api.get("/api/v4/users/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    deactivated = client.get("/admin/accounts/user/?active=no").content.decode()
    assert "alice@example.com" in deactivated
    client.post("/admin/accounts/user/", {"action": "activate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active
