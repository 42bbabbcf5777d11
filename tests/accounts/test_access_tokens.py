"""Personal access tokens: creating, listing, searching, disabling, enabling and revoking
them, and authenticating with them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mattermostdriver import Driver
from mattermostdriver.exceptions import NoAccessTokenProvided

from apps.accounts.models import Session, User, UserAccessToken
from apps.accounts.services import access_token_create
from apps.core.clock import now_ms
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

ME = "/api/v4/users/me"
EXPIRED = "api.context.session_expired.app_error"
FORBIDDEN = "api.context.permissions.app_error"
BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
NO_TOKEN = "app.user_access_token.get_by_user.app_error"
TOKEN_ROLES = "system_user system_user_access_token"


@pytest.fixture(autouse=True)
def _tokens_enabled(mm_config: Callable[..., None]) -> None:
    mm_config(enable_user_access_tokens=True)


@pytest.fixture
def token_user(user: User) -> User:
    """alice, holding the role that lets a user manage their own access tokens."""
    user.roles = TOKEN_ROLES
    user.save()
    return user


def post(client: Client, url: str, body: object, token: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token))


def create(client: Client, token: str, user_id: str = "me", description: str = "ci bot") -> Any:
    return post(client, f"/api/v4/users/{user_id}/tokens", {"description": description}, token)


def make_pat(user: User, description: str = "script") -> tuple[UserAccessToken, str]:
    return access_token_create(user=user, description=description)


def status(client: Client, token: str) -> int:
    return int(client.get(ME, **bearer(token)).status_code)


class TestCreate:
    def test_returns_the_token_once_and_stores_only_its_hash(
        self, client: Client, token_user: User, token: str
    ) -> None:
        response = create(client, token)
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["id", "token", "user_id", "description", "is_active"]
        assert body["user_id"] == token_user.id
        assert body["description"] == "ci bot"
        assert body["is_active"] is True
        assert len(body["token"]) == 26
        stored = UserAccessToken.objects.get(pk=body["id"])
        assert stored.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        assert body["token"] not in stored.token_hash
        # every later read leaves the token out
        again = client.get(f"/api/v4/users/tokens/{body['id']}", **bearer(token)).json()
        assert "token" not in again
        assert again == {key: value for key, value in body.items() if key != "token"}

    def test_admin_creates_one_for_another_user(
        self, client: Client, user: User, admin: User, login
    ) -> None:
        _, admin_token = login(admin)
        response = create(client, admin_token, user.id)
        assert response.status_code == 200
        assert response.json()["user_id"] == user.id
        # it authenticates as that user
        assert client.get(ME, **bearer(response.json()["token"])).json()["id"] == user.id

    def test_a_plain_user_may_not_create_one(self, client: Client, user: User, token: str) -> None:
        assert_error(create(client, token), 403, FORBIDDEN)
        assert not UserAccessToken.objects.exists()

    def test_another_users_token_needs_edit_other_users(
        self, client: Client, token_user: User, token: str, other_user: User
    ) -> None:
        assert_error(create(client, token, other_user.id), 403, FORBIDDEN)
        assert not UserAccessToken.objects.exists()

    def test_an_oauth_session_may_not_create_one(
        self, client: Client, token_user: User, token: str
    ) -> None:
        Session.objects.filter(user=token_user).update(is_oauth=True)
        assert_error(create(client, token), 403, FORBIDDEN)

    def test_switched_off_is_a_501(
        self, client: Client, token_user: User, token: str, mm_config
    ) -> None:
        mm_config(enable_user_access_tokens=False)
        assert_error(create(client, token), 501, "app.user_access_token.disabled")
        assert not UserAccessToken.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "description"),
            ({"description": ""}, "description"),
            ({"description": None}, "description"),
            (None, "description"),
            ({"description": 7}, "user_access_token"),
            ({"description": "ok", "is_active": "yes"}, "user_access_token"),
            (["description"], "user_access_token"),
            ("description", "user_access_token"),
        ],
    )
    def test_a_missing_or_mistyped_description_is_a_400(
        self, client: Client, token_user: User, token: str, body: object, field: str
    ) -> None:
        error = assert_error(post(client, "/api/v4/users/me/tokens", body, token), 400, BAD_BODY)
        assert field in error["message"]

    def test_the_description_is_at_most_255_bytes(
        self, client: Client, token_user: User, token: str
    ) -> None:
        assert create(client, token, description="d" * 255).status_code == 200
        assert_error(
            create(client, token, description="é" * 128),  # 256 bytes
            400,
            "model.user_access_token.is_valid.description.app_error",
        )

    def test_an_unknown_user_is_a_404(self, client: Client, admin: User, login) -> None:
        _, admin_token = login(admin)
        assert_error(create(client, admin_token, "u" * 26), 404, "app.user.missing_account.const")

    def test_a_malformed_user_id_is_a_400(self, client: Client, admin: User, login) -> None:
        _, admin_token = login(admin)
        assert_error(create(client, admin_token, "not-an-id"), 400, BAD_URL)

    def test_needs_a_session(self, client: Client, user: User) -> None:
        response = client.post(
            f"/api/v4/users/{user.id}/tokens", json.dumps({"description": "x"}), "application/json"
        )
        assert_error(response, 401, EXPIRED)


class TestAuthentication:
    def test_full_lifecycle(self, client: Client, token_user: User, token: str) -> None:
        created = create(client, token).json()
        pat, token_id = created["token"], created["id"]
        me = client.get(ME, **bearer(pat))
        assert me.status_code == 200
        assert me.json()["id"] == token_user.id
        session = Session.objects.get(token_hash=hashlib.sha256(pat.encode()).hexdigest())
        assert session.props["type"] == "UserAccessToken"
        assert session.props["user_access_token_id"] == token_id
        assert session.expires_at > now_ms() + 99 * 365 * 24 * 3600 * 1000

        assert post(
            client, "/api/v4/users/tokens/disable", {"token_id": token_id}, token
        ).json() == {"status": "OK"}
        assert_error(client.get(ME, **bearer(pat)), 401, EXPIRED)
        listed = client.get("/api/v4/users/me/tokens", **bearer(token)).json()
        assert listed[0]["is_active"] is False

        enabled = post(client, "/api/v4/users/tokens/enable", {"token_id": token_id}, token)
        assert enabled.status_code == 200
        assert status(client, pat) == 200

        revoked = post(client, "/api/v4/users/tokens/revoke", {"token_id": token_id}, token)
        assert revoked.status_code == 200
        assert_error(client.get(ME, **bearer(pat)), 401, EXPIRED)
        assert not UserAccessToken.objects.exists()
        assert_error(client.get(f"/api/v4/users/tokens/{token_id}", **bearer(token)), 404, NO_TOKEN)

    def test_a_repeat_request_costs_no_auth_query(
        self, client: Client, token_user: User, django_assert_num_queries
    ) -> None:
        _, pat = make_pat(token_user)
        assert status(client, pat) == 200  # opens and caches the session
        with django_assert_num_queries(0):
            assert status(client, pat) == 200

    def test_switching_tokens_off_stops_a_token_already_in_use(
        self, client: Client, token_user: User, mm_config
    ) -> None:
        _, pat = make_pat(token_user)
        assert status(client, pat) == 200  # cached from here on
        mm_config(enable_user_access_tokens=False)
        assert_error(client.get(ME, **bearer(pat)), 401, EXPIRED)
        mm_config(enable_user_access_tokens=True)
        assert status(client, pat) == 200

    def test_a_token_is_refused_while_tokens_are_off(
        self, client: Client, token_user: User, mm_config
    ) -> None:
        _, pat = make_pat(token_user)
        mm_config(enable_user_access_tokens=False)
        assert_error(client.get(ME, **bearer(pat)), 401, EXPIRED)
        assert not Session.objects.filter(props__type="UserAccessToken").exists()

    def test_a_deactivated_users_token_is_refused(self, client: Client, token_user: User) -> None:
        _, pat = make_pat(token_user)
        assert status(client, pat) == 200
        token_user.delete_at = now_ms()
        token_user.save()
        assert_error(client.get(ME, **bearer(pat)), 401, EXPIRED)

    def test_revoking_all_sessions_does_not_revoke_the_token(
        self, client: Client, token_user: User, token: str
    ) -> None:
        # As in Mattermost: the token's session ends, and its next use opens a new one.
        _, pat = make_pat(token_user)
        assert status(client, pat) == 200
        client.post("/api/v4/users/me/sessions/revoke/all", **bearer(pat))
        assert status(client, token) == 401
        assert status(client, pat) == 200

    def test_the_token_session_is_listed_with_the_users_sessions(
        self, client: Client, token_user: User, token: str
    ) -> None:
        access_token, pat = make_pat(token_user)
        status(client, pat)
        sessions = client.get("/api/v4/users/me/sessions", **bearer(token)).json()
        props = [s["props"] for s in sessions if s["props"].get("type") == "UserAccessToken"]
        assert props == [
            {
                "type": "UserAccessToken",
                "user_access_token_id": access_token.id,
                "is_guest": "false",
            }
        ]


class TestRead:
    def test_own_tokens_are_listed_without_secrets(
        self, client: Client, token_user: User, token: str, other_user: User
    ) -> None:
        mine, pat = make_pat(token_user, "mine")
        make_pat(other_user, "theirs")
        response = client.get("/api/v4/users/me/tokens", **bearer(token))
        assert response.status_code == 200
        assert response.json() == [
            {"id": mine.id, "user_id": token_user.id, "description": "mine", "is_active": True}
        ]
        assert pat not in response.content.decode()
        assert mine.token_hash not in response.content.decode()

    def test_listing_another_users_tokens_needs_edit_other_users(
        self, client: Client, token_user: User, token: str, other_user: User
    ) -> None:
        make_pat(other_user)
        response = client.get(f"/api/v4/users/{other_user.id}/tokens", **bearer(token))
        assert_error(response, 403, FORBIDDEN)

    def test_listing_needs_read_permission(self, client: Client, user: User, token: str) -> None:
        assert_error(client.get("/api/v4/users/me/tokens", **bearer(token)), 403, FORBIDDEN)

    def test_pages_default_to_60_and_are_clamped_at_200(
        self, client: Client, token_user: User, token: str
    ) -> None:
        UserAccessToken.objects.bulk_create(
            UserAccessToken(token_hash=f"{n:064d}", user=token_user, description=f"t{n}")
            for n in range(205)
        )
        url = "/api/v4/users/me/tokens"
        every = [t["id"] for t in client.get(f"{url}?per_page=200", **bearer(token)).json()]
        assert len(every) == 200
        assert len(client.get(url, **bearer(token)).json()) == 60
        assert len(client.get(f"{url}?per_page=1000", **bearer(token)).json()) == 200
        assert len(client.get(f"{url}?per_page=-3", **bearer(token)).json()) == 60
        assert client.get(f"{url}?per_page=0", **bearer(token)).json() == []
        second = client.get(f"{url}?page=1&per_page=5", **bearer(token)).json()
        assert [t["id"] for t in second] == every[5:10]
        assert client.get(f"{url}?page=41&per_page=5", **bearer(token)).json() == []
        bad_page = client.get(f"{url}?page=x&per_page=5", **bearer(token)).json()
        assert [t["id"] for t in bad_page] == every[:5]

    def test_one_token_is_read_by_id(self, client: Client, token_user: User, token: str) -> None:
        access_token, _ = make_pat(token_user, "deploys")
        response = client.get(f"/api/v4/users/tokens/{access_token.id}", **bearer(token))
        assert response.status_code == 200
        assert response.json() == {
            "id": access_token.id,
            "user_id": token_user.id,
            "description": "deploys",
            "is_active": True,
        }

    def test_another_users_token_is_forbidden(
        self, client: Client, token_user: User, token: str, other_user: User
    ) -> None:
        theirs, _ = make_pat(other_user)
        response = client.get(f"/api/v4/users/tokens/{theirs.id}", **bearer(token))
        assert_error(response, 403, FORBIDDEN)

    def test_an_unknown_token_is_a_404_and_a_malformed_id_a_400(
        self, client: Client, token_user: User, token: str
    ) -> None:
        unknown = client.get(f"/api/v4/users/tokens/{'t' * 26}", **bearer(token))
        assert_error(unknown, 404, NO_TOKEN)
        malformed = client.get("/api/v4/users/tokens/abc", **bearer(token))
        assert_error(malformed, 400, BAD_URL)


class TestAdminLists:
    def test_admin_lists_every_users_tokens(
        self, client: Client, token_user: User, other_user: User, admin: User, login
    ) -> None:
        first, _ = make_pat(token_user)
        second, _ = make_pat(other_user)
        _, admin_token = login(admin)
        response = client.get("/api/v4/users/tokens", **bearer(admin_token))
        assert response.status_code == 200
        assert {t["id"] for t in response.json()} == {first.id, second.id}
        assert all("token" not in t for t in response.json())

    def test_the_list_of_all_tokens_is_for_admins(
        self, client: Client, token_user: User, token: str
    ) -> None:
        assert_error(client.get("/api/v4/users/tokens", **bearer(token)), 403, FORBIDDEN)

    def test_search_matches_the_start_of_username_user_id_or_token_id(
        self, client: Client, token_user: User, other_user: User, admin: User, login
    ) -> None:
        alices, _ = make_pat(token_user)
        bobs, _ = make_pat(other_user)
        _, admin_token = login(admin)
        url = "/api/v4/users/tokens/search"

        def found(term: str) -> set[str]:
            response = post(client, url, {"term": term}, admin_token)
            assert response.status_code == 200
            return {t["id"] for t in response.json()}

        assert found("ali") == {alices.id}
        assert found(other_user.id[:10]) == {bobs.id}
        assert found(bobs.id) == {bobs.id}
        assert found("lice") == set()
        assert found("%") == set()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "term"),
            ({"term": ""}, "term"),
            ({"term": None}, "term"),
            ({"term": 1}, "user_access_token_search"),
            ([], "user_access_token_search"),
        ],
    )
    def test_search_needs_a_term(
        self, client: Client, admin: User, login, body: object, field: str
    ) -> None:
        _, admin_token = login(admin)
        response = post(client, "/api/v4/users/tokens/search", body, admin_token)
        assert field in assert_error(response, 400, BAD_BODY)["message"]

    def test_search_is_for_admins(self, client: Client, token_user: User, token: str) -> None:
        response = post(client, "/api/v4/users/tokens/search", {"term": "a"}, token)
        assert_error(response, 403, FORBIDDEN)


CHANGES = ["revoke", "disable", "enable"]


class TestChanges:
    @pytest.mark.parametrize("change", CHANGES)
    @pytest.mark.parametrize(
        "body", [{}, {"token_id": ""}, {"token_id": 3}, {"token_id": "short"}, ["x"]]
    )
    def test_a_missing_or_malformed_token_id_is_a_400(
        self, client: Client, token_user: User, token: str, change: str, body: object
    ) -> None:
        response = post(client, f"/api/v4/users/tokens/{change}", body, token)
        assert "token_id" in assert_error(response, 400, BAD_BODY)["message"]

    @pytest.mark.parametrize("change", CHANGES)
    def test_an_unknown_token_is_a_404(
        self, client: Client, token_user: User, token: str, change: str
    ) -> None:
        response = post(client, f"/api/v4/users/tokens/{change}", {"token_id": "q" * 26}, token)
        assert_error(response, 404, NO_TOKEN)

    @pytest.mark.parametrize("change", CHANGES)
    def test_another_users_token_is_forbidden(
        self, client: Client, token_user: User, token: str, other_user: User, change: str
    ) -> None:
        theirs, pat = make_pat(other_user)
        response = post(client, f"/api/v4/users/tokens/{change}", {"token_id": theirs.id}, token)
        assert_error(response, 403, FORBIDDEN)
        theirs.refresh_from_db()
        assert theirs.is_active
        assert status(client, pat) == 200

    @pytest.mark.parametrize("change", CHANGES)
    def test_a_user_without_the_token_role_may_not_change_one(
        self, client: Client, user: User, token: str, change: str
    ) -> None:
        mine, _ = make_pat(user)  # an admin made it for them
        response = post(client, f"/api/v4/users/tokens/{change}", {"token_id": mine.id}, token)
        assert_error(response, 403, FORBIDDEN)
        assert UserAccessToken.objects.filter(pk=mine.pk, is_active=True).exists()

    def test_admin_revokes_another_users_token(
        self, client: Client, user: User, admin: User, login
    ) -> None:
        theirs, pat = make_pat(user)
        assert status(client, pat) == 200
        _, admin_token = login(admin)
        response = post(client, "/api/v4/users/tokens/revoke", {"token_id": theirs.id}, admin_token)
        assert response.json() == {"status": "OK"}
        assert status(client, pat) == 401

    @pytest.mark.parametrize("change", CHANGES)
    def test_needs_a_session(self, client: Client, change: str) -> None:
        assert_error(client.post(f"/api/v4/users/tokens/{change}"), 401, EXPIRED)


class TestQueryBudgets:
    @pytest.mark.parametrize(
        ("url", "by_admin"),
        [("/api/v4/users/{}/tokens", False), ("/api/v4/users/tokens", True)],
    )
    def test_a_list_costs_the_same_for_one_token_as_for_thirty(
        self,
        client: Client,
        token_user: User,
        admin: User,
        login,
        django_assert_max_num_queries,
        url: str,
        by_admin: bool,
    ) -> None:
        _, caller = login(admin if by_admin else token_user)
        url = url.format(token_user.id)
        make_pat(token_user)
        client.get(url, **bearer(caller))  # caches the caller's session and user
        with CaptureQueriesContext(connection) as one:
            assert len(client.get(url, **bearer(caller)).json()) == 1
        queries_for_one = len(one)  # read now: the next request clears Django's query log
        assert queries_for_one > 0
        for n in range(29):
            make_pat(token_user, f"token {n}")
        with django_assert_max_num_queries(queries_for_one):
            assert len(client.get(url, **bearer(caller)).json()) == 30


class TestDjangoAdmin:
    def test_the_token_list_never_shows_the_hash(
        self, client: Client, admin: User, user: User
    ) -> None:
        access_token, pat = make_pat(user, "nightly export")
        client.force_login(admin)
        page = client.get("/admin/accounts/useraccesstoken/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "nightly export" in html
        assert access_token.token_hash not in html
        assert pat not in html
        detail = client.get(f"/admin/accounts/useraccesstoken/{access_token.pk}/change/")
        assert detail.status_code == 200
        assert access_token.token_hash not in detail.content.decode()
        assert client.get("/admin/accounts/useraccesstoken/add/").status_code == 403

    @pytest.mark.parametrize("action", ["disable", "revoke"])
    def test_admin_actions_stop_the_token_at_once(
        self, client: Client, admin: User, user: User, action: str
    ) -> None:
        access_token, pat = make_pat(user)
        assert status(client, pat) == 200
        client.force_login(admin)
        response = client.post(
            "/admin/accounts/useraccesstoken/",
            {"action": action, "_selected_action": [access_token.pk]},
        )
        assert response.status_code == 302
        client.logout()
        assert status(client, pat) == 401
        assert UserAccessToken.objects.filter(pk=access_token.pk).exists() == (action == "disable")

    def test_admin_enable_action_restores_a_disabled_token(
        self, client: Client, admin: User, user: User
    ) -> None:
        access_token, pat = make_pat(user)
        UserAccessToken.objects.filter(pk=access_token.pk).update(is_active=False)
        assert status(client, pat) == 401
        client.force_login(admin)
        client.post(
            "/admin/accounts/useraccesstoken/",
            {"action": "enable", "_selected_action": [access_token.pk]},
        )
        client.logout()
        assert status(client, pat) == 200

    def test_user_admin_revokes_all_sessions(
        self, client: Client, admin: User, user: User, other_user: User, login
    ) -> None:
        _, alice_token = login(user)
        _, bob_token = login(other_user)
        assert status(client, alice_token) == 200
        client.force_login(admin)
        response = client.post(
            "/admin/accounts/user/", {"action": "revoke_sessions", "_selected_action": [user.pk]}
        )
        assert response.status_code == 302
        client.logout()
        assert status(client, alice_token) == 401
        assert status(client, bob_token) == 200


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_logs_in_with_a_token_and_loses_it(live_server, token_user: User) -> None:
    access_token, pat = make_pat(token_user, "driver")
    address = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "token": pat,
            "timeout": 10,
        }
    )
    me = driver.login()
    assert me["id"] == token_user.id
    assert driver.client.username == "alice"
    read = driver.users.get_user_access_token(access_token.id)
    assert read == {
        "id": access_token.id,
        "user_id": token_user.id,
        "description": "driver",
        "is_active": True,
    }
    made = driver.users.create_user_access_token("me", options={"description": "second"})
    assert len(made["token"]) == 26
    assert driver.users.disable_personal_access_token(options={"token_id": access_token.id}) == {
        "status": "OK"
    }
    with pytest.raises(NoAccessTokenProvided):
        driver.users.get_user("me")
