"""API v3: preferences and statuses."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import Preference, Status, User
from apps.accounts.services import status_set
from tests.helpers import assert_error, bearer
from tests.helpers_v3 import INVALID_PARAM, NO_SESSION, query_count, v3

pytestmark = pytest.mark.django_db

SAVE_DECODE = "api.preference.save_preferences.decode.app_error"
DELETE_DECODE = "api.preference.delete_preferences.decode.app_error"


def military_time(user: User, value: str = "true") -> dict[str, str]:
    return {
        "user_id": user.id,
        "category": "display_settings",
        "name": "use_military_time",
        "value": value,
    }


class TestPreferences:
    def test_save_answers_a_bare_true(self, client: Client, user: User, token: str) -> None:
        response = v3(client, "post", "/preferences/save", token, [military_time(user)])
        assert response.status_code == 200
        assert response.content == b"true"
        assert Preference.objects.get(user=user, name="use_military_time").value == "true"

    def test_save_an_empty_list(self, client: Client, token: str) -> None:
        assert v3(client, "post", "/preferences/save", token, []).content == b"true"

    def test_someone_elses_preferences_are_forbidden(
        self, client: Client, other_user: User, token: str
    ) -> None:
        response = v3(client, "post", "/preferences/save", token, [military_time(other_user)])
        assert_error(response, 403, "api.preference.update_preferences.set.app_error")

    @pytest.mark.parametrize(
        "body", [{"category": "x"}, [{"user_id": "a", "category": 3, "name": "n"}], ["x"]]
    )
    def test_a_body_that_is_no_list_of_preferences_is_a_400(
        self, client: Client, token: str, body: object
    ) -> None:
        assert_error(v3(client, "post", "/preferences/save", token, body), 400, SAVE_DECODE)
        assert_error(v3(client, "post", "/preferences/delete", token, body), 400, DELETE_DECODE)

    def test_reads_all_a_category_and_one(self, client: Client, user: User, token: str) -> None:
        v3(client, "post", "/preferences/save", token, [military_time(user)])
        assert v3(client, "get", "/preferences/", token).json() == [military_time(user)]
        category = v3(client, "get", "/preferences/display_settings", token)
        assert category.json() == [military_time(user)]
        one = v3(client, "get", "/preferences/display_settings/use_military_time", token)
        assert one.json() == military_time(user)

    def test_an_empty_category_is_an_empty_list(self, client: Client, token: str) -> None:
        assert v3(client, "get", "/preferences/nothing_here", token).json() == []

    def test_a_missing_preference_is_a_404(self, client: Client, token: str) -> None:
        response = v3(client, "get", "/preferences/display_settings/nope", token)
        assert_error(response, 404, "store.sql_preference.get.app_error")

    def test_delete(self, client: Client, user: User, token: str) -> None:
        v3(client, "post", "/preferences/save", token, [military_time(user)])
        response = v3(client, "post", "/preferences/delete", token, [military_time(user)])
        assert response.json() == {"status": "OK"}
        assert not Preference.objects.filter(user=user).exists()

    def test_the_trailing_slash_is_part_of_the_route(self, client: Client, token: str) -> None:
        assert v3(client, "get", "/preferences", token).status_code == 404

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/preferences/"),
            ("post", "/preferences/save"),
            ("post", "/preferences/delete"),
            ("get", "/preferences/theme"),
            ("get", "/preferences/theme/x"),
        ],
    )
    def test_need_a_session(self, client: Client, method: str, path: str) -> None:
        body = [] if method == "post" else None
        assert_error(v3(client, method, path, body=body), 401, NO_SESSION)

    def test_the_cookie_needs_the_script_header(self, client: Client, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert_error(v3(client, "get", "/preferences/"), 401, NO_SESSION)
        response = v3(client, "get", "/preferences/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 200

    def test_saved_through_v3_read_through_v4_and_back(
        self, client: Client, user: User, token: str
    ) -> None:
        v3(client, "post", "/preferences/save", token, [military_time(user)])
        v4 = client.get("/api/v4/users/me/preferences", **bearer(token)).json()
        assert v4 == [military_time(user)]
        client.put(
            "/api/v4/users/me/preferences",
            json.dumps([military_time(user, "no")]),
            content_type="application/json",
            **bearer(token),
        )
        assert v3(client, "get", "/preferences/", token).json() == [military_time(user, "no")]

    def test_listing_costs_the_same_queries_for_one_as_for_many(
        self, client: Client, user: User, token: str
    ) -> None:
        v3(client, "post", "/preferences/save", token, [military_time(user)])
        one = query_count(lambda: v3(client, "get", "/preferences/", token))
        many = [{**military_time(user), "name": f"n{i}"} for i in range(10)]
        v3(client, "post", "/preferences/save", token, many)
        assert query_count(lambda: v3(client, "get", "/preferences/", token)) == one


class TestStatuses:
    def test_everyone_not_offline(
        self, client: Client, user: User, other_user: User, token: str
    ) -> None:
        status_set(user_id=other_user.id, status="away")
        carl = User.objects.create(username="carl", email="carl@x.io")
        Status.objects.create(user=carl, status="offline")
        body = v3(client, "get", "/users/status", token).json()
        # alice is online from the request itself.
        assert body == dict(sorted({user.id: "online", other_user.id: "away"}.items()))

    def test_by_ids_unknown_ones_are_offline(
        self, client: Client, other_user: User, token: str
    ) -> None:
        status_set(user_id=other_user.id, status="dnd")
        body = v3(client, "post", "/users/status/ids", token, [other_user.id, "q" * 26]).json()
        assert body == {"q" * 26: "offline", other_user.id: "dnd"}

    @pytest.mark.parametrize("body", [[], ["a", 1], {"ids": ["a"]}])
    def test_by_ids_needs_a_list_of_ids(self, client: Client, token: str, body: object) -> None:
        assert_error(v3(client, "post", "/users/status/ids", token, body), 400, INVALID_PARAM)

    def test_need_a_session(self, client: Client) -> None:
        assert_error(v3(client, "get", "/users/status"), 401, NO_SESSION)
        assert_error(v3(client, "post", "/users/status/ids", body=["a"]), 401, NO_SESSION)

    def test_costs_the_same_queries_for_one_status_as_for_many(
        self, client: Client, token: str
    ) -> None:
        one = query_count(lambda: v3(client, "get", "/users/status", token))
        for n in range(5):
            someone = User.objects.create(username=f"u{n}", email=f"u{n}@x.io")
            status_set(user_id=someone.id, status="away")
        assert query_count(lambda: v3(client, "get", "/users/status", token)) == one
