from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import user_create, user_set_active
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: object, token: str):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(token))


@pytest.fixture
def crowd(db: None) -> list[User]:
    return [
        user_create(
            username=f"member{i:02d}",
            email=f"member{i:02d}@example.com",
            password="passw0rd!",
            roles="system_user",
            first_name=f"First{i}",
            nickname="nick" if i % 2 else "",
        )
        for i in range(30)
    ]


class TestList:
    def test_pages_in_username_order(self, client: Client, token: str, crowd: list[User]) -> None:
        first = client.get("/api/v4/users?page=0&per_page=10", **bearer(token)).json()
        second = client.get("/api/v4/users?page=1&per_page=10", **bearer(token)).json()
        names = [u["username"] for u in first + second]
        assert names == sorted(names)
        assert len(names) == len(set(names)) == 20
        assert all("password" not in u for u in first)

    def test_bad_paging_values_fall_back(
        self, client: Client, token: str, crowd: list[User]
    ) -> None:
        response = client.get("/api/v4/users?page=-3&per_page=abc", **bearer(token))
        assert response.status_code == 200
        assert len(response.json()) == 31  # default 60 per page covers everyone
        assert client.get("/api/v4/users?per_page=0", **bearer(token)).json() == []
        capped = client.get("/api/v4/users?per_page=5000", **bearer(token)).json()
        assert len(capped) == 31

    def test_active_inactive_and_role_filters(
        self, client: Client, token: str, crowd: list[User], admin: User
    ) -> None:
        user_set_active(user=crowd[0], active=False)
        inactive = client.get("/api/v4/users?inactive=true", **bearer(token)).json()
        assert [u["username"] for u in inactive] == ["member00"]
        active = client.get("/api/v4/users?active=true&per_page=200", **bearer(token)).json()
        assert "member00" not in {u["username"] for u in active}
        admins = client.get("/api/v4/users?role=system_admin", **bearer(token)).json()
        assert [u["username"] for u in admins] == ["root"]
        both = client.get("/api/v4/users?active=true&inactive=true", **bearer(token))
        assert_error(both, 400, "api.context.invalid_url_param.app_error")

    def test_sort_needs_a_team_or_channel_scope(self, client: Client, token: str) -> None:
        for query in ("sort=create_at", "sort=status", "sort=nonsense", "in_team=bad-id"):
            response = client.get(f"/api/v4/users?{query}", **bearer(token))
            assert_error(response, 400, "api.context.invalid_url_param.app_error")

    def test_needs_a_session(self, client: Client) -> None:
        assert_error(client.get("/api/v4/users"), 401, "api.context.session_expired.app_error")

    def test_query_count_does_not_grow_with_rows(
        self, client: Client, token: str, crowd: list[User], django_assert_max_num_queries
    ) -> None:
        client.get("/api/v4/users?per_page=1", **bearer(token))  # warm the session cache
        with django_assert_max_num_queries(2):
            assert len(client.get("/api/v4/users?per_page=1", **bearer(token)).json()) == 1
        with django_assert_max_num_queries(2):
            assert len(client.get("/api/v4/users?per_page=30", **bearer(token)).json()) == 30


class TestByIdsAndUsernames:
    def test_by_ids(self, client: Client, token: str, crowd: list[User]) -> None:
        wanted = [crowd[3].id, crowd[7].id, "z" * 26]
        body = post(client, "/api/v4/users/ids", wanted, token).json()
        assert {u["id"] for u in body} == {crowd[3].id, crowd[7].id}

    def test_by_ids_since(self, client: Client, token: str, crowd: list[User]) -> None:
        cutoff = max(u.update_at for u in crowd)
        crowd[5].nickname = "changed"
        crowd[5].update_at = cutoff + 10
        crowd[5].save()
        body = post(client, f"/api/v4/users/ids?since={cutoff}", [crowd[5].id, crowd[6].id], token)
        assert [u["id"] for u in body.json()] == [crowd[5].id]
        bad = post(client, "/api/v4/users/ids?since=yesterday", [crowd[5].id], token)
        assert_error(bad, 400, "api.context.invalid_body_param.app_error")

    @pytest.mark.parametrize("body", [[], {"ids": []}, [1, 2], "abc"])
    def test_bad_bodies(self, client: Client, token: str, body: object) -> None:
        assert_error(
            post(client, "/api/v4/users/ids", body, token),
            400,
            "api.context.invalid_body_param.app_error",
        )
        assert_error(
            post(client, "/api/v4/users/usernames", body, token),
            400,
            "api.context.invalid_body_param.app_error",
        )

    def test_by_usernames(self, client: Client, token: str, crowd: list[User]) -> None:
        body = post(client, "/api/v4/users/usernames", ["MEMBER01", "member02", "ghost"], token)
        assert [u["username"] for u in body.json()] == ["member01", "member02"]

    def test_query_budget(
        self, client: Client, token: str, crowd: list[User], django_assert_max_num_queries
    ) -> None:
        client.get("/api/v4/users/me", **bearer(token))
        with django_assert_max_num_queries(2):
            post(client, "/api/v4/users/ids", [crowd[0].id], token)
        with django_assert_max_num_queries(2):
            post(client, "/api/v4/users/ids", [u.id for u in crowd], token)


class TestSearch:
    def test_prefix_search_on_names(self, client: Client, token: str, crowd: list[User]) -> None:
        body = post(client, "/api/v4/users/search", {"term": "member1"}, token).json()
        assert [u["username"] for u in body] == [f"member{i}" for i in range(10, 20)]
        by_first_name = post(client, "/api/v4/users/search", {"term": "first2"}, token).json()
        assert "member02" in {u["username"] for u in by_first_name}
        at_sign = post(client, "/api/v4/users/search", {"term": "@member05"}, token).json()
        assert [u["username"] for u in at_sign] == ["member05"]

    def test_email_and_name_search_follow_privacy(
        self, client: Client, token: str, crowd: list[User], mm_config
    ) -> None:
        assert post(client, "/api/v4/users/search", {"term": "member03@"}, token).json()
        mm_config(show_email_address=False, show_full_name=False)
        assert post(client, "/api/v4/users/search", {"term": "member03@ex"}, token).json() == []
        assert post(client, "/api/v4/users/search", {"term": "First3"}, token).json() == []

    def test_inactive_only_on_request(self, client: Client, token: str, crowd: list[User]) -> None:
        user_set_active(user=crowd[4], active=False)
        assert post(client, "/api/v4/users/search", {"term": "member04"}, token).json() == []
        found = post(
            client, "/api/v4/users/search", {"term": "member04", "allow_inactive": True}, token
        )
        assert [u["username"] for u in found.json()] == ["member04"]

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"term": ""},
            {"term": 5},
            {"term": "a", "limit": 5000},
            {"term": "a", "limit": "10"},
            ["a"],
        ],
    )
    def test_bad_requests(self, client: Client, token: str, body: object) -> None:
        response = post(client, "/api/v4/users/search", body, token)
        assert_error(response, 400, "api.context.invalid_body_param.app_error")

    def test_limit(self, client: Client, token: str, crowd: list[User]) -> None:
        body = post(client, "/api/v4/users/search", {"term": "member", "limit": 5}, token).json()
        assert len(body) == 5


class TestAutocompleteAndStats:
    def test_autocomplete(self, client: Client, token: str, crowd: list[User]) -> None:
        body = client.get("/api/v4/users/autocomplete?name=member2&limit=3", **bearer(token)).json()
        assert [u["username"] for u in body["users"]] == ["member20", "member21", "member22"]
        by_email = client.get("/api/v4/users/autocomplete?name=member20@", **bearer(token)).json()
        assert by_email["users"] == []  # never by email

    def test_stats_count_active_users(self, client: Client, token: str, crowd: list[User]) -> None:
        assert client.get("/api/v4/users/stats", **bearer(token)).json() == {
            "total_users_count": 31
        }
        user_set_active(user=crowd[0], active=False)
        assert client.get("/api/v4/users/stats", **bearer(token)).json() == {
            "total_users_count": 30
        }
        assert_error(
            client.get("/api/v4/users/stats"), 401, "api.context.session_expired.app_error"
        )


def test_huge_page_numbers_are_an_empty_page(client: Client, token: str) -> None:
    response = client.get("/api/v4/users?page=99999999999999999&per_page=200", **bearer(token))
    assert response.status_code == 200
    assert response.json() == []
