"""A user's login sessions: listing, revoking, attaching a mobile device, cleaning up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Session, User
from apps.accounts.services import sessions_remove_expired
from apps.core.clock import now_ms
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

EXPIRED = "api.context.session_expired.app_error"
FORBIDDEN = "api.context.permissions.app_error"
BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
SESSION_KEYS = {
    "id",
    "token",
    "create_at",
    "expires_at",
    "last_activity_at",
    "user_id",
    "device_id",
    "roles",
    "is_oauth",
    "expired_notify",
    "props",
    "team_members",
    "local",
}


def post(client: Client, url: str, body: object, token: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token))


def put(client: Client, url: str, body: object, token: str) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json", **bearer(token))


def works(client: Client, token: str) -> bool:
    return client.get("/api/v4/users/me", **bearer(token)).status_code == 200


class TestList:
    def test_own_sessions_newest_activity_first_without_tokens(
        self, client: Client, user: User, login
    ) -> None:
        older, older_token = login(user)
        Session.objects.filter(pk=older.pk).update(last_activity_at=1)
        newer, token = login(user, device_id="android:abc")
        response = client.get("/api/v4/users/me/sessions", **bearer(token))
        assert response.status_code == 200
        sessions = response.json()
        assert [s["id"] for s in sessions] == [newer.id, older.id]
        first = sessions[0]
        assert set(first) == SESSION_KEYS
        assert first["token"] == ""
        assert first["user_id"] == user.id
        assert first["device_id"] == "android:abc"
        assert first["roles"] == "system_user"
        assert first["team_members"] == []
        assert first["local"] is False
        assert first["is_oauth"] is False
        assert first["expires_at"] > first["create_at"] > 0
        assert first["props"]["csrf"] == newer.csrf_token
        # no secret reaches the reply, in any form
        content = response.content.decode()
        for secret in (token, older_token, newer.token_hash, older.token_hash):
            assert secret not in content

    def test_admin_lists_another_users_sessions(
        self, client: Client, user: User, admin: User, login
    ) -> None:
        mine, _ = login(user)
        _, admin_token = login(admin)
        response = client.get(f"/api/v4/users/{user.id}/sessions", **bearer(admin_token))
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [mine.id]

    def test_another_users_sessions_are_forbidden(
        self, client: Client, token: str, other_user: User, login
    ) -> None:
        login(other_user)
        response = client.get(f"/api/v4/users/{other_user.id}/sessions", **bearer(token))
        assert_error(response, 403, FORBIDDEN)

    def test_costs_the_same_queries_for_one_session_as_for_thirty(
        self, client: Client, user: User, token: str, login, django_assert_max_num_queries
    ) -> None:
        url = "/api/v4/users/me/sessions"
        client.get(url, **bearer(token))  # caches the caller's session and user
        with CaptureQueriesContext(connection) as one:
            assert len(client.get(url, **bearer(token)).json()) == 1
        queries_for_one = len(one)  # read now: the next request clears Django's query log
        assert queries_for_one > 0
        for _ in range(29):
            login(user)
        with django_assert_max_num_queries(queries_for_one):
            assert len(client.get(url, **bearer(token)).json()) == 30


ROUTES = [
    ("get", "/api/v4/users/{}/sessions"),
    ("post", "/api/v4/users/{}/sessions/revoke"),
    ("post", "/api/v4/users/{}/sessions/revoke/all"),
]


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_a_session_is_needed(client: Client, user: User, method: str, url: str) -> None:
    assert_error(getattr(client, method)(url.format(user.id)), 401, EXPIRED)


@pytest.mark.parametrize(("method", "url"), ROUTES)
@pytest.mark.parametrize("bad_id", ["nobody", "x" * 27, "a" * 25 + "!"])
def test_a_malformed_user_id_is_a_400(
    client: Client, token: str, method: str, url: str, bad_id: str
) -> None:
    response = getattr(client, method)(url.format(bad_id), **bearer(token))
    assert_error(response, 400, BAD_URL)


class TestRevoke:
    def test_ends_exactly_that_session_even_when_cached(
        self, client: Client, user: User, login
    ) -> None:
        _, keep = login(user)
        doomed, doomed_token = login(user)
        assert works(client, doomed_token)  # now in the cache
        response = post(client, "/api/v4/users/me/sessions/revoke", {"session_id": doomed.id}, keep)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert_error(client.get("/api/v4/users/me", **bearer(doomed_token)), 401, EXPIRED)
        assert works(client, keep)

    def test_admin_revokes_another_users_session(
        self, client: Client, user: User, admin: User, login
    ) -> None:
        session, session_token = login(user)
        _, admin_token = login(admin)
        url = f"/api/v4/users/{user.id}/sessions/revoke"
        assert post(client, url, {"session_id": session.id}, admin_token).status_code == 200
        assert not works(client, session_token)

    def test_another_users_session_is_forbidden(
        self, client: Client, token: str, other_user: User, login
    ) -> None:
        session, other_token = login(other_user)
        url = f"/api/v4/users/{other_user.id}/sessions/revoke"
        assert_error(post(client, url, {"session_id": session.id}, token), 403, FORBIDDEN)
        assert works(client, other_token)

    def test_the_session_must_belong_to_the_user_in_the_url(
        self, client: Client, user: User, other_user: User, admin: User, login
    ) -> None:
        session, other_token = login(other_user)
        _, admin_token = login(admin)
        url = f"/api/v4/users/{user.id}/sessions/revoke"
        assert_error(post(client, url, {"session_id": session.id}, admin_token), 400, BAD_URL)
        assert works(client, other_token)

    @pytest.mark.parametrize("session_id", ["z" * 26, "short"])
    def test_an_unknown_session_is_a_400_as_in_mattermost(
        self, client: Client, token: str, session_id: str
    ) -> None:
        response = post(
            client, "/api/v4/users/me/sessions/revoke", {"session_id": session_id}, token
        )
        assert_error(response, 400, "app.session.get.app_error")

    @pytest.mark.parametrize(
        "body", [{}, {"session_id": ""}, {"session_id": 5}, {"session_id": None}, ["x"], "x"]
    )
    def test_a_missing_session_id_is_a_400(self, client: Client, token: str, body: object) -> None:
        response = post(client, "/api/v4/users/me/sessions/revoke", body, token)
        body_error = assert_error(response, 400, BAD_BODY)
        assert "session_id" in body_error["message"]


class TestRevokeAll:
    def test_ends_every_session_of_the_user_including_the_callers(
        self, client: Client, user: User, other_user: User, login
    ) -> None:
        _, first = login(user)
        _, second = login(user)
        _, bystander = login(other_user)
        response = client.post("/api/v4/users/me/sessions/revoke/all", **bearer(first))
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert not works(client, first)
        assert not works(client, second)
        assert works(client, bystander)

    def test_another_users_sessions_need_edit_other_users(
        self, client: Client, token: str, other_user: User, admin: User, login
    ) -> None:
        _, other_token = login(other_user)
        url = f"/api/v4/users/{other_user.id}/sessions/revoke/all"
        assert_error(client.post(url, **bearer(token)), 403, FORBIDDEN)
        assert works(client, other_token)
        _, admin_token = login(admin)
        assert client.post(url, **bearer(admin_token)).status_code == 200
        assert not works(client, other_token)
        assert works(client, admin_token)


class TestRevokeEveryone:
    URL = "/api/v4/users/sessions/revoke/all"

    def test_admin_ends_all_sessions_of_all_users(
        self, client: Client, token: str, other_user: User, admin: User, login
    ) -> None:
        _, other_token = login(other_user)
        _, admin_token = login(admin)
        assert works(client, token)  # cached
        response = client.post(self.URL, **bearer(admin_token))
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert not Session.objects.exists()
        for gone in (token, other_token, admin_token):
            assert_error(client.get("/api/v4/users/me", **bearer(gone)), 401, EXPIRED)

    def test_needs_manage_system(self, client: Client, token: str) -> None:
        assert_error(client.post(self.URL, **bearer(token)), 403, FORBIDDEN)
        assert works(client, token)

    def test_needs_a_session(self, client: Client) -> None:
        assert_error(client.post(self.URL), 401, EXPIRED)


class TestDevice:
    URL = "/api/v4/users/sessions/device"

    def test_attaches_the_device_and_ends_older_sessions_on_it(
        self, client: Client, user: User, other_user: User, login
    ) -> None:
        current, token = login(user)
        _, same_device = login(user, device_id="apple:phone")
        _, other_device = login(user, device_id="apple:tablet")
        _, other_users = login(other_user, device_id="apple:phone")
        response = put(client, self.URL, {"device_id": "apple:phone"}, token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        current.refresh_from_db()
        assert current.device_id == "apple:phone"
        assert not works(client, same_device)
        assert works(client, other_device)
        assert works(client, other_users)
        assert works(client, token)

    def test_records_the_device_facts_in_the_session_props(
        self, client: Client, user: User, login
    ) -> None:
        session, token = login(user)
        body = {"device_notification_disabled": "true", "mobile_version": "2.22.0-rc.1+build.5"}
        assert put(client, self.URL, body, token).status_code == 200
        listed = client.get("/api/v4/users/me/sessions", **bearer(token)).json()[0]
        assert listed["props"]["device_notification_disabled"] == "true"
        assert listed["props"]["mobile_version"] == "2.22.0-rc.1+build.5"
        assert listed["props"]["csrf"] == session.csrf_token  # the rest is kept
        assert listed["device_id"] == ""  # no device id was sent

    def test_an_empty_body_changes_nothing(self, client: Client, user: User, login) -> None:
        # Since Mattermost 9.x the device id is optional here: the route also sets props.
        session, token = login(user, device_id="android:x")
        assert put(client, self.URL, {}, token).status_code == 200
        session.refresh_from_db()
        assert session.device_id == "android:x"
        assert works(client, token)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"device_notification_disabled": "yes"}, "device_notification_disabled"),
            ({"device_notification_disabled": "True"}, "device_notification_disabled"),
            ({"mobile_version": "v2.1.0"}, "mobile_version"),
            ({"mobile_version": "2.1"}, "mobile_version"),
            ({"mobile_version": "02.1.0"}, "mobile_version"),
            ({"device_id": "a" * 513}, "device_id"),
        ],
    )
    def test_malformed_facts_are_a_400(
        self, client: Client, user: User, login, body: dict[str, str], field: str
    ) -> None:
        session, token = login(user)
        error = assert_error(put(client, self.URL, body, token), 400, BAD_BODY)
        assert field in error["message"]
        session.refresh_from_db()
        assert "mobile_version" not in session.props

    def test_needs_a_session(self, client: Client) -> None:
        response = client.put(self.URL, json.dumps({"device_id": "x"}), "application/json")
        assert_error(response, 401, EXPIRED)


def test_expired_sessions_are_removed(user: User, login) -> None:
    expired, _ = login(user)
    live, _ = login(user)
    endless, _ = login(user)
    Session.objects.filter(pk=expired.pk).update(expires_at=now_ms() - 1)
    Session.objects.filter(pk=endless.pk).update(expires_at=0)
    assert sessions_remove_expired() == 1
    assert set(Session.objects.values_list("id", flat=True)) == {live.id, endless.id}
    assert sessions_remove_expired() == 0
