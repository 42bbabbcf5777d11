"""The admin pages of accounts: edits and actions go through the account services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Preference, Session, User
from apps.accounts.services import PreferenceData, preferences_save
from apps.core import events
from tests.helpers import bearer

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


def act(client: Client, action: str, *users: User) -> str:
    response = client.post(
        USERS, {"action": action, "_selected_action": [u.pk for u in users]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def me_status(token: str) -> int:
    return Client().get("/api/v4/users/me", **bearer(token)).status_code


class TestUserActions:
    def test_promote_and_demote(
        self, client: Client, admin: User, user: User, login: Callable[..., Any]
    ) -> None:
        session, token = login(user)
        client.force_login(admin)
        assert "Made system admins: 1." in act(client, "promote", user, admin)
        user.refresh_from_db()
        assert user.roles == "system_admin system_user"
        session.refresh_from_db()
        assert session.roles == user.roles  # the session's copy follows
        response = Client().get("/api/v4/users/me", **bearer(token))
        assert response.json()["roles"] == "system_admin system_user"

        assert "No longer system admins: 1." in act(client, "demote", user)
        user.refresh_from_db()
        assert user.roles == "system_user"

    def test_promoting_a_guest_is_refused(self, client: Client, admin: User, user: User) -> None:
        User.objects.filter(pk=user.pk).update(roles="system_guest")
        client.force_login(admin)
        page = act(client, "promote", user)
        assert "alice is a guest" in page
        user.refresh_from_db()
        assert user.roles == "system_guest"

    def test_the_operator_cannot_lock_themselves_out(
        self, client: Client, admin: User, user: User
    ) -> None:
        client.force_login(admin)
        page = act(client, "demote", admin)
        assert "You cannot demote yourself here." in page
        page = act(client, "deactivate", admin, user)
        assert "You cannot deactivate yourself here." in page
        assert "Deactivated: 1." in page
        admin.refresh_from_db()
        user.refresh_from_db()
        assert (admin.is_system_admin, admin.is_active, user.is_active) == (True, True, False)

    def test_revoke_sessions(
        self, client: Client, admin: User, user: User, login: Callable[..., Any]
    ) -> None:
        tokens = [login(user)[1], login(user)[1]]
        assert [me_status(token) for token in tokens] == [200, 200]  # now cached
        client.force_login(admin)
        assert "Logged out everywhere: 1." in act(client, "revoke_sessions", user)
        assert [me_status(token) for token in tokens] == [401, 401]
        assert user.is_active


class TestUserForm:
    def form(self, user: User, **changes: str) -> dict[str, str]:
        fields = ("username", "email", "nickname", "first_name", "last_name", "position")
        return {**{name: getattr(user, name) for name in fields}, **changes}

    def test_edits_follow_the_api_rules(
        self,
        client: Client,
        admin: User,
        user: User,
        published: list[events.Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client.force_login(admin)
        url = f"{USERS}{user.pk}/change/"
        bad = client.post(url, self.form(user, username="Not Valid!"))
        assert bad.status_code == 200
        assert "Usernames are 1 to 64" in bad.content.decode()
        taken = client.post(url, self.form(user, email="ROOT@example.com"))
        assert "already exists" in taken.content.decode()
        too_long = client.post(url, self.form(user, position="p" * 129))
        assert "at most 128" in too_long.content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            saved = client.post(url, self.form(user, username=" Alicia ", nickname="Al"))
        assert saved.status_code == 302
        user.refresh_from_db()
        assert (user.username, user.nickname) == ("alicia", "Al")
        assert any(event.event == "user_updated" for event in published)

    def test_roles_activation_and_secrets_are_not_form_fields(
        self, client: Client, admin: User, user: User
    ) -> None:
        client.force_login(admin)
        url = f"{USERS}{user.pk}/change/"
        client.post(url, self.form(user, roles="system_admin system_user", delete_at="5"))
        user.refresh_from_db()
        assert (user.roles, user.delete_at) == ("system_user", 0)
        page = client.get(url).content.decode()
        assert "mfa_secret" not in page
        assert user.password not in page

    def test_users_are_neither_added_nor_deleted_here(
        self, client: Client, admin: User, user: User
    ) -> None:
        client.force_login(admin)
        assert client.get(f"{USERS}add/").status_code == 403
        assert client.get(f"{USERS}{user.pk}/delete/").status_code == 403


def test_deleting_a_session_logs_that_device_out(
    client: Client, admin: User, user: User, login: Callable[..., Any]
) -> None:
    session, token = login(user)
    _, other_token = login(user)
    assert me_status(token) == 200
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/session/",
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    assert (me_status(token), me_status(other_token)) == (401, 200)


def test_deleting_a_preference_goes_through_the_service(
    client: Client,
    admin: User,
    user: User,
    published: list[events.Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    preferences_save(
        user_id=user.id,
        preferences=[PreferenceData(user.id, "display_settings", "use_military_time", "true")],
    )
    preference = Preference.objects.get(user=user)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/accounts/preference/",
            {"action": "delete_selected", "_selected_action": [preference.pk], "post": "yes"},
        )
    assert not Preference.objects.filter(user=user).exists()
    assert [
        event.broadcast.user_id for event in published if event.event == "preferences_deleted"
    ] == [user.id]


@pytest.mark.parametrize("model", ["session", "preference", "status", "useraccesstoken", "user"])
def test_rows_clients_write_cannot_be_added_here(client: Client, admin: User, model: str) -> None:
    client.force_login(admin)
    assert client.get(f"/admin/accounts/{model}/").status_code == 200
    assert client.get(f"/admin/accounts/{model}/add/").status_code == 403
