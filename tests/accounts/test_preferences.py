from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Preference, User
from apps.core.ids import new_id
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BAD_BODY = "api.context.invalid_body_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"


def prefs_url(user_id: str, rest: str = "") -> str:
    return f"/api/v4/users/{user_id}/preferences{rest}"


def pref(
    user_id: str,
    category: str = "display_settings",
    name: str = "use_military_time",
    value: str = "true",
) -> dict[str, str]:
    return {"user_id": user_id, "category": category, "name": name, "value": value}


def save(client: Client, token: str, user_id: str, body: Any) -> Any:
    return client.put(
        prefs_url(user_id), json.dumps(body), content_type="application/json", **bearer(token)
    )


def delete(client: Client, token: str, user_id: str, body: Any) -> Any:
    return client.post(
        prefs_url(user_id, "/delete"),
        json.dumps(body),
        content_type="application/json",
        **bearer(token),
    )


def stored(user: User) -> list[dict[str, str]]:
    return [
        {"user_id": p.user_id, "category": p.category, "name": p.name, "value": p.value}
        for p in Preference.objects.filter(user=user).order_by("category", "name")
    ]


class TestReadAndWrite:
    def test_a_new_user_has_an_empty_list(self, client: Client, token: str) -> None:
        response = client.get(prefs_url("me"), **bearer(token))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == []

    def test_save_read_and_delete_round_trip(self, client: Client, user: User, token: str) -> None:
        clock = pref(user.id)
        crt = pref(user.id, name="collapsed_reply_threads", value="on")
        shown = pref(user.id, category="direct_channel_show", name=new_id(), value="true")
        response = save(client, token, user.id, [clock, crt, shown])
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}

        everything = client.get(prefs_url("me"), **bearer(token)).json()
        assert sorted(everything, key=lambda p: (p["category"], p["name"])) == sorted(
            [clock, crt, shown], key=lambda p: (p["category"], p["name"])
        )
        category = client.get(prefs_url(user.id, "/display_settings"), **bearer(token))
        assert category.status_code == 200
        assert {p["name"] for p in category.json()} == {
            "use_military_time",
            "collapsed_reply_threads",
        }
        one = client.get(
            prefs_url("me", "/display_settings/name/collapsed_reply_threads"), **bearer(token)
        )
        assert one.status_code == 200
        assert one.json() == crt

        response = delete(client, token, "me", [clock, shown])
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert client.get(prefs_url("me"), **bearer(token)).json() == [crt]

    def test_saving_again_overwrites_the_value(
        self, client: Client, user: User, token: str
    ) -> None:
        save(client, token, user.id, [pref(user.id, value="false")])
        save(client, token, user.id, [pref(user.id, value="true")])
        assert stored(user) == [pref(user.id, value="true")]

    def test_the_last_of_duplicate_keys_wins(self, client: Client, user: User, token: str) -> None:
        response = save(
            client, token, user.id, [pref(user.id, value="a"), pref(user.id, value="b")]
        )
        assert response.status_code == 200
        assert stored(user) == [pref(user.id, value="b")]

    def test_a_name_may_be_empty(self, client: Client, user: User, token: str) -> None:
        assert save(client, token, user.id, [pref(user.id, name="")]).status_code == 200
        assert stored(user) == [pref(user.id, name="")]

    def test_deleting_what_does_not_exist_is_fine(
        self, client: Client, user: User, token: str
    ) -> None:
        save(client, token, user.id, [pref(user.id)])
        response = delete(client, token, user.id, [pref(user.id, name="never_saved")])
        assert response.status_code == 200
        assert stored(user) == [pref(user.id)]

    def test_an_empty_category_is_a_404(self, client: Client, token: str) -> None:
        response = client.get(prefs_url("me", "/theme"), **bearer(token))
        assert_error(response, 404, "api.preference.preferences_category.get.app_error")

    def test_a_missing_preference_is_a_400_like_mattermost(
        self, client: Client, user: User, token: str
    ) -> None:
        save(client, token, user.id, [pref(user.id)])
        response = client.get(prefs_url("me", "/display_settings/name/other"), **bearer(token))
        assert_error(response, 400, "app.preference.get.app_error")

    def test_category_and_name_in_the_url_are_word_characters(
        self, client: Client, token: str
    ) -> None:
        response = client.get(prefs_url("me", "/bad-category"), **bearer(token))
        assert_error(response, 404, "api.context.404.app_error")

    def test_listing_costs_the_same_for_few_and_many(
        self, client: Client, user: User, token: str, django_assert_max_num_queries
    ) -> None:
        save(client, token, user.id, [pref(user.id)])
        with django_assert_max_num_queries(1):
            assert len(client.get(prefs_url("me"), **bearer(token)).json()) == 1
        save(client, token, user.id, [pref(user.id, name=f"n{i}") for i in range(60)])
        with django_assert_max_num_queries(1):
            assert len(client.get(prefs_url("me"), **bearer(token)).json()) == 61


class TestValidation:
    def test_a_malformed_user_id_is_a_400(self, client: Client, token: str) -> None:
        response = client.get(prefs_url("not-an-id"), **bearer(token))
        assert_error(response, 400, "api.context.invalid_url_param.app_error")

    @pytest.mark.parametrize(
        "body",
        [
            {},
            "[]",
            [],
            [1],
            ["display_settings"],
            [{"category": "display_settings", "name": "x", "value": "y"}],
            [{"user_id": "{me}", "category": 5, "name": "x", "value": "y"}],
            [{"user_id": "{me}", "category": "display_settings", "value": "y"}],
            [{"user_id": "{me}", "category": "display_settings", "name": "x", "value": True}],
            [{"user_id": "{me}", "category": "display_settings", "name": None, "value": "y"}],
        ],
    )
    def test_a_body_of_the_wrong_shape_is_a_400(
        self, client: Client, user: User, token: str, body: Any
    ) -> None:
        body = json.loads(json.dumps(body).replace("{me}", user.id))
        for response in (
            save(client, token, user.id, body),
            delete(client, token, user.id, body),
        ):
            assert_error(response, 400, BAD_BODY)
        assert stored(user) == []

    def test_malformed_json_is_a_400(self, client: Client, user: User, token: str) -> None:
        response = client.put(
            prefs_url("me"), '[{"user_id":', content_type="application/json", **bearer(token)
        )
        assert_error(response, 400, BAD_BODY)

    def test_more_than_a_hundred_at_once_is_a_400(
        self, client: Client, user: User, token: str
    ) -> None:
        too_many = [pref(user.id, name=f"n{i}") for i in range(101)]
        assert_error(save(client, token, user.id, too_many), 400, BAD_BODY)
        assert save(client, token, user.id, too_many[:100]).status_code == 200

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"category": ""}, "category"),
            ({"category": "c" * 33}, "category"),
            ({"name": "n" * 33}, "name"),
            ({"value": "v" * 20001}, "value"),
            ({"category": "theme", "value": "not json"}, "theme"),
            ({"category": "theme", "value": '["#ffffff"]'}, "theme"),
            ({"category": "theme", "value": '{"sidebarBg": 5}'}, "theme"),
            (
                {"category": "sidebar_settings", "name": "limit_visible_dms_gms", "value": "41"},
                "limit_visible_dms_gms",
            ),
        ],
    )
    def test_invalid_preferences_are_refused_with_mattermosts_ids(
        self, client: Client, user: User, token: str, change: dict[str, str], error: str
    ) -> None:
        response = save(client, token, user.id, [pref(user.id), {**pref(user.id), **change}])
        assert_error(response, 400, f"model.preference.is_valid.{error}.app_error")
        assert stored(user) == []  # the valid one in the batch was not saved either

    def test_limits_count_characters_not_bytes(
        self, client: Client, user: User, token: str
    ) -> None:
        value = "é" * 20000
        assert save(client, token, user.id, [pref(user.id, value=value)]).status_code == 200
        assert stored(user)[0]["value"] == value

    def test_a_theme_keeps_colours_and_names_and_loses_anything_else(
        self, client: Client, user: User, token: str
    ) -> None:
        theme = {
            "type": "Denim",
            "codeTheme": "github",
            "sidebarBg": "#1e325c",
            "buttonBg": "#FFF",
            "linkColor": "url(https://evil.example/x.png)",
        }
        response = save(client, token, user.id, [pref(user.id, "theme", "", json.dumps(theme))])
        assert response.status_code == 200
        saved = json.loads(stored(user)[0]["value"])
        assert saved == {**theme, "linkColor": "#ffffff"}


class TestAccess:
    ROUTES = [
        ("get", ""),
        ("get", "/display_settings"),
        ("get", "/display_settings/name/use_military_time"),
        ("put", ""),
        ("post", "/delete"),
    ]

    def call(self, client: Client, method: str, url: str, user_id: str, **headers: str) -> Any:
        body = json.dumps([pref(user_id)]) if method != "get" else None
        if body is None:
            return client.get(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_no_session_is_a_401(self, client: Client, user: User, method: str, rest: str) -> None:
        response = self.call(client, method, prefs_url(user.id, rest), user.id)
        assert_error(response, 401, EXPIRED)

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_another_users_preferences_are_off_limits(
        self, client: Client, user: User, token: str, bob: User, method: str, rest: str
    ) -> None:
        response = self.call(client, method, prefs_url(bob.id, rest), bob.id, **bearer(token))
        assert_error(response, 403, FORBIDDEN)

    def test_a_system_admin_may_manage_another_users_preferences(
        self, client: Client, bob: User, admin_token: str
    ) -> None:
        assert save(client, admin_token, bob.id, [pref(bob.id)]).json() == {"status": "OK"}
        response = client.get(prefs_url(bob.id), **bearer(admin_token))
        assert response.json() == [pref(bob.id)]
        assert delete(client, admin_token, bob.id, [pref(bob.id)]).status_code == 200
        assert stored(bob) == []

    def test_items_must_belong_to_the_user_in_the_url(
        self, client: Client, user: User, token: str, bob: User, admin_token: str
    ) -> None:
        response = save(client, token, user.id, [pref(user.id), pref(bob.id)])
        assert_error(response, 403, "api.preference.update_preferences.set.app_error")
        # not even an admin may file one user's preference under another
        response = save(client, admin_token, user.id, [pref(bob.id)])
        assert_error(response, 403, "api.preference.update_preferences.set.app_error")
        response = delete(client, token, user.id, [pref(bob.id)])
        assert_error(response, 403, "api.preference.delete_preferences.delete.app_error")
        assert stored(user) == []
        assert stored(bob) == []

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_an_unknown_user_is_a_404_for_an_admin(
        self, client: Client, admin_token: str, method: str, rest: str
    ) -> None:
        missing = new_id()
        response = self.call(
            client, method, prefs_url(missing, rest), missing, **bearer(admin_token)
        )
        assert_error(response, 404, "app.user.missing_account.const")

    def test_an_unknown_user_is_a_403_for_everyone_else(self, client: Client, token: str) -> None:
        response = client.get(prefs_url(new_id()), **bearer(token))
        assert_error(response, 403, FORBIDDEN)


class TestEvents:
    def test_saving_tells_the_user_what_was_saved(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        theme = pref(user.id, "theme", "", '{"sidebarBg":"nope"}')
        with django_capture_on_commit_callbacks(execute=True):
            save(client, token, user.id, [pref(user.id), theme])
        changed = [e for e in published if e.event == "preferences_changed"]
        assert len(changed) == 1
        assert changed[0].broadcast.user_id == user.id
        assert isinstance(changed[0].data["preferences"], str)  # a JSON string, as clients expect
        assert json.loads(changed[0].data["preferences"]) == [
            pref(user.id),
            {**theme, "value": '{"sidebarBg":"#ffffff"}'},
        ]

    def test_deleting_tells_the_user_what_was_deleted(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        save(client, token, user.id, [pref(user.id)])
        with django_capture_on_commit_callbacks(execute=True):
            delete(client, token, user.id, [pref(user.id)])
        deleted = [e for e in published if e.event == "preferences_deleted"]
        assert [(e.broadcast.user_id, json.loads(e.data["preferences"])) for e in deleted] == [
            (user.id, [pref(user.id)])
        ]

    def test_a_refused_save_announces_nothing(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            save(client, token, user.id, [pref(user.id, category="")])
        assert [e for e in published if e.event.startswith("preferences_")] == []
