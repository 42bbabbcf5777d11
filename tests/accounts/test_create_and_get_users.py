from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

USERS = "/api/v4/users"


def create(client: Client, body: object, **extra: str):
    return client.post(USERS, json.dumps(body), content_type="application/json", **extra)


def valid(**changes: object) -> dict[str, object]:
    return {"username": "carol", "email": "carol@example.com", "password": "longenough", **changes}


def test_first_account_becomes_system_admin(client: Client) -> None:
    response = create(client, valid(username="Carol", email="Carol@Example.com", first_name="C"))
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "carol"
    assert body["email"] == "carol@example.com"
    assert body["roles"] == "system_admin system_user"
    assert body["first_name"] == "C"
    assert "password" not in body
    assert User.objects.get(pk=body["id"]).check_password("longenough")


def test_self_signup_needs_an_open_server(client: Client, user: User, mm_config) -> None:
    assert_error(create(client, valid()), 403, "api.user.create_user.no_open_server")
    mm_config(enable_open_server=True)
    response = create(client, valid())
    assert response.status_code == 201
    assert response.json()["roles"] == "system_user"


def test_signup_switched_off_is_a_501(client: Client, user: User, mm_config) -> None:
    mm_config(enable_open_server=True, enable_user_creation=False)
    assert_error(
        create(client, valid()), 501, "api.user.create_user.signup_email_disabled.app_error"
    )


def test_admin_may_create_accounts(client: Client, admin: User, login) -> None:
    _, token = login(admin)
    assert create(client, valid(), **bearer(token)).status_code == 201


def test_plain_user_may_not_bypass_the_closed_server(
    client: Client, user: User, token: str
) -> None:
    assert_error(
        create(client, valid(), **bearer(token)), 403, "api.user.create_user.no_open_server"
    )


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"username": ""}, "model.user.is_valid.username.app_error"),
        ({"username": "has space"}, "model.user.is_valid.username.app_error"),
        ({"username": "all"}, "model.user.is_valid.username.app_error"),
        ({"username": "x" * 65}, "model.user.is_valid.username.app_error"),
        ({"email": "not-an-email"}, "model.user.is_valid.email.app_error"),
        ({"email": "two@@example.com"}, "model.user.is_valid.email.app_error"),
        ({"email": "Name <a@example.com>"}, "model.user.is_valid.email.app_error"),
        ({"email": "a" * 120 + "@example.com"}, "model.user.is_valid.email.app_error"),
        ({"password": "short"}, "model.user.is_valid.pwd_min_length.app_error"),
        ({"password": "é" * 37}, "model.user.is_valid.pwd_max_length.app_error"),
        ({"nickname": "n" * 65}, "model.user.is_valid.nickname.app_error"),
        ({"position": "p" * 129}, "model.user.is_valid.position.app_error"),
        ({"username": 42}, "api.context.invalid_body_param.app_error"),
        ({"props": "not a map"}, "api.context.invalid_body_param.app_error"),
        ({"allow_marketing": "yes"}, "api.context.invalid_body_param.app_error"),
    ],
)
def test_invalid_fields_are_refused(
    client: Client, changes: dict[str, object], error_id: str
) -> None:
    assert_error(create(client, valid(**changes)), 400, error_id)
    assert not User.objects.exists()


def test_body_must_be_an_object(client: Client) -> None:
    assert_error(create(client, ["carol"]), 400, "api.context.invalid_body_param.app_error")


def test_taken_username_and_email(client: Client, user: User, mm_config) -> None:
    mm_config(enable_open_server=True)
    assert_error(
        create(client, valid(username="ALICE")), 400, "app.user.save.username_exists.app_error"
    )
    assert_error(
        create(client, valid(email="alice@example.com")),
        400,
        "app.user.save.email_exists.app_error",
    )


def test_client_cannot_choose_server_fields(client: Client) -> None:
    response = create(client, valid(roles="system_admin", id="x" * 26, create_at=5, delete_at=9))
    body = response.json()
    assert body["id"] != "x" * 26
    assert body["create_at"] > 5
    assert body["delete_at"] == 0


class TestGetUser:
    def test_self_by_id_and_me(self, client: Client, user: User, token: str) -> None:
        by_id = client.get(f"{USERS}/{user.id}", **bearer(token))
        me = client.get(f"{USERS}/me", **bearer(token))
        assert by_id.status_code == me.status_code == 200
        assert by_id.json() == me.json()
        assert me.json()["notify_props"]

    def test_others_see_only_public_fields(
        self, client: Client, user: User, other_user: User, login
    ) -> None:
        _, token = login(other_user)
        body = client.get(f"{USERS}/{user.id}", **bearer(token)).json()
        assert body["username"] == "alice"
        assert body["email"] == "alice@example.com"  # ShowEmailAddress defaults to true
        assert body["first_name"] == "Alice"
        assert body["notify_props"] == {}
        for private in ("password", "last_password_update", "failed_attempts", "email_verified"):
            assert private not in body

    def test_privacy_settings_hide_email_and_name(
        self, client: Client, user: User, other_user: User, admin: User, login, mm_config
    ) -> None:
        mm_config(show_email_address=False, show_full_name=False)
        _, token = login(other_user)
        body = client.get(f"{USERS}/{user.id}", **bearer(token)).json()
        assert (body["email"], body["first_name"], body["last_name"]) == ("", "", "")
        _, admin_token = login(admin)
        seen_by_admin = client.get(f"{USERS}/{user.id}", **bearer(admin_token)).json()
        assert seen_by_admin["email"] == "alice@example.com"
        assert seen_by_admin["last_name"] == "Liddell"
        assert seen_by_admin["notify_props"]["push"] == "mention"

    def test_by_username_and_email(self, client: Client, user: User, token: str) -> None:
        assert client.get(f"{USERS}/username/ALICE", **bearer(token)).json()["id"] == user.id
        by_email = client.get(f"{USERS}/email/alice@example.com", **bearer(token))
        assert by_email.json()["id"] == user.id

    def test_email_lookup_is_refused_when_emails_are_private(
        self, client: Client, user: User, other_user: User, login, mm_config
    ) -> None:
        mm_config(show_email_address=False)
        _, token = login(other_user)
        response = client.get(f"{USERS}/email/alice@example.com", **bearer(token))
        assert_error(response, 403, "api.context.permissions.app_error")

    def test_missing_users(self, client: Client, token: str) -> None:
        assert_error(
            client.get(f"{USERS}/{'y' * 26}", **bearer(token)),
            404,
            "app.user.missing_account.const",
        )
        assert_error(
            client.get(f"{USERS}/username/nobody", **bearer(token)),
            404,
            "app.user.get_by_username.app_error",
        )
        assert_error(
            client.get(f"{USERS}/email/no@example.com", **bearer(token)),
            404,
            "app.user.missing_account.const",
        )

    def test_bad_id_is_a_400(self, client: Client, token: str) -> None:
        assert_error(
            client.get(f"{USERS}/not-an-id", **bearer(token)),
            400,
            "api.context.invalid_url_param.app_error",
        )

    def test_needs_a_session(self, client: Client, user: User) -> None:
        assert_error(client.get(f"{USERS}/{user.id}"), 401, "api.context.session_expired.app_error")

    def test_guests_cannot_view_members(self, client: Client, user: User, login) -> None:
        from apps.accounts.services import user_create

        guest = user_create(
            username="guest", email="g@example.com", password="passw0rd!", roles="system_guest"
        )
        _, token = login(guest)
        assert_error(
            client.get(f"{USERS}/{user.id}", **bearer(token)),
            403,
            "api.context.permissions.app_error",
        )

    def test_etag_and_304(self, client: Client, user: User, token: str) -> None:
        first = client.get(f"{USERS}/{user.id}", **bearer(token))
        etag = first["ETag"]
        assert etag.startswith("10.3.0." + user.id)
        again = client.get(f"{USERS}/{user.id}", HTTP_IF_NONE_MATCH=etag, **bearer(token))
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        user.update_at += 1
        user.save()
        changed = client.get(f"{USERS}/{user.id}", HTTP_IF_NONE_MATCH=etag, **bearer(token))
        assert changed.status_code == 200
        assert changed["ETag"] != etag


class TestSignUpWithInvite:
    def test_invite_link_bypasses_the_closed_server_and_joins_the_team(
        self, client: Client, user: User
    ) -> None:
        from apps.teams.models import TeamMember
        from apps.teams.services import team_create

        team = team_create(creator=user, display_name="Alpha", name="alpha", type="I")
        response = create(client, valid(), QUERY_STRING=f"iid={team.invite_id}")
        assert response.status_code == 201
        new_id = response.json()["id"]
        assert TeamMember.objects.filter(team=team, user_id=new_id, delete_at=0).exists()

    def test_unknown_invite_and_tokens(self, client: Client, user: User) -> None:
        assert_error(
            create(client, valid(), QUERY_STRING="iid=" + "n" * 26),
            404,
            "app.team.get_by_invite_id.finding.app_error",
        )
        assert_error(
            create(client, valid(), QUERY_STRING="t=whatever"),
            400,
            "api.user.create_user.signup_link_invalid.app_error",
        )
        assert not User.objects.filter(username="carol").exists()

    def test_invite_respects_allowed_domains(self, client: Client, user: User) -> None:
        from apps.teams.services import team_create

        team = team_create(
            creator=user,
            display_name="Alpha",
            name="alpha",
            type="I",
            allowed_domains="example.com",
        )
        response = create(
            client, valid(email="carol@elsewhere.test"), QUERY_STRING=f"iid={team.invite_id}"
        )
        assert_error(response, 403, "api.team.invite_members.invalid_email.app_error")
        assert not User.objects.filter(username="carol").exists()
