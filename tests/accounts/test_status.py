from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from apps.accounts.models import Status, User
from apps.accounts.services import status as status_services
from apps.accounts.services import user_create
from apps.core.ids import new_id
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BAD_BODY = "api.context.invalid_body_param.app_error"
ME = "/api/v4/users/me"
BY_IDS = "/api/v4/users/status/ids"


def status_url(user_id: str) -> str:
    return f"/api/v4/users/{user_id}/status"


def set_status(client: Client, token: str, user_id: str, body: Any) -> Any:
    return client.put(
        status_url(user_id), json.dumps(body), content_type="application/json", **bearer(token)
    )


def by_ids(client: Client, token: str, body: Any) -> Any:
    return client.post(BY_IDS, json.dumps(body), content_type="application/json", **bearer(token))


def offline(user_id: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "status": "offline",
        "manual": False,
        "last_activity_at": 0,
        "dnd_end_time": 0,
    }


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Set the time (ms) the status services see."""

    def set_now(ms: int) -> None:
        monkeypatch.setattr(status_services, "now_ms", lambda: ms)

    return set_now


def forget_recent_activity() -> None:
    """As if the activity write interval had passed."""
    caches["default"].clear()


class TestRead:
    def test_a_user_who_never_came_is_offline(self, client: Client, token: str, bob: User) -> None:
        response = client.get(status_url(bob.id), **bearer(token))
        assert response.status_code == 200
        assert response.json() == offline(bob.id)

    def test_a_request_marks_the_caller_online(
        self, client: Client, user: User, token: str, clock: Callable[[int], None]
    ) -> None:
        clock(1_700_000_000_000)
        response = client.get(status_url("me"), **bearer(token))
        assert response.json() == {
            "user_id": user.id,
            "status": "online",
            "manual": False,
            "last_activity_at": 1_700_000_000_000,
            "dnd_end_time": 0,
        }

    def test_statuses_by_ids_in_the_order_asked(
        self, client: Client, user: User, token: str, bob: User
    ) -> None:
        unknown = new_id()
        response = by_ids(client, token, [bob.id, unknown, user.id, bob.id])
        assert response.status_code == 200
        body = response.json()
        assert [s["user_id"] for s in body] == [bob.id, unknown, user.id]
        assert body[0] == offline(bob.id)
        assert body[1] == offline(unknown)  # unknown ids read as offline, as in Mattermost
        assert body[2]["status"] == "online"

    @pytest.mark.parametrize(
        "body", [{}, [], "abc", [5], ["not-an-id"], [None], {"user_ids": ["x" * 26]}]
    )
    def test_a_bad_id_list_is_a_400(self, client: Client, token: str, body: Any) -> None:
        assert_error(by_ids(client, token, body), 400, BAD_BODY)

    def test_statuses_by_ids_cost_one_query_however_many(
        self, client: Client, user: User, token: str, django_assert_max_num_queries
    ) -> None:
        others = [
            user_create(username=f"u{i}", email=f"u{i}@example.com", password=None)
            for i in range(49)
        ]
        Status.objects.bulk_create(
            [Status(user=u, status="away", last_activity_at=1) for u in others]
        )
        client.get(ME, **bearer(token))  # session cached, activity noted
        with django_assert_max_num_queries(1):
            assert len(by_ids(client, token, [user.id]).json()) == 1
        with django_assert_max_num_queries(1):
            body = by_ids(client, token, [user.id, *(u.id for u in others)]).json()
        assert len(body) == 50
        assert {s["status"] for s in body[1:]} == {"away"}

    def test_a_malformed_user_id_is_a_400(self, client: Client, token: str) -> None:
        response = client.get(status_url("nobody"), **bearer(token))
        assert_error(response, 400, "api.context.invalid_url_param.app_error")


class TestUpdate:
    def test_setting_away_sticks_and_is_announced(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        client.get(ME, **bearer(token))
        with django_capture_on_commit_callbacks(execute=True):
            response = set_status(client, token, "me", {"user_id": user.id, "status": "away"})
        assert response.status_code == 200
        body = response.json()
        assert (body["user_id"], body["status"], body["manual"]) == (user.id, "away", True)
        assert client.get(status_url(user.id), **bearer(token)).json() == body
        changes = [(e.data, e.broadcast.user_id) for e in published if e.event == "status_change"]
        assert changes == [({"status": "away", "user_id": user.id}, user.id)]

    def test_do_not_disturb_keeps_its_end_on_a_whole_minute(
        self, client: Client, user: User, token: str
    ) -> None:
        minute = 1_899_999_960  # Unix seconds on a whole minute
        end = minute + 59
        response = set_status(
            client, token, user.id, {"user_id": user.id, "status": "dnd", "dnd_end_time": end}
        )
        assert response.status_code == 200
        assert response.json()["status"] == "dnd"
        assert response.json()["manual"] is True
        assert response.json()["dnd_end_time"] == minute
        row = Status.objects.get(user=user)
        assert (row.prev_status, row.dnd_end_time) == ("online", minute)

    def test_choosing_online_hands_the_status_back_to_activity(
        self, client: Client, user: User, token: str
    ) -> None:
        set_status(
            client, token, user.id, {"user_id": user.id, "status": "dnd", "dnd_end_time": 60}
        )
        response = set_status(client, token, user.id, {"user_id": user.id, "status": "online"})
        assert response.json()["manual"] is False
        assert response.json()["dnd_end_time"] == 0

    def test_a_status_change_leaves_the_user_untouched(
        self, client: Client, user: User, token: str
    ) -> None:
        before = User.objects.get(pk=user.pk).update_at
        set_status(client, token, user.id, {"user_id": user.id, "status": "offline"})
        assert User.objects.get(pk=user.pk).update_at == before

    @pytest.mark.parametrize(
        "body",
        [
            {"user_id": "{me}", "status": "busy"},
            {"user_id": "{me}"},
            {"user_id": "{me}", "status": 1},
            {"user_id": "{me}", "status": "dnd", "dnd_end_time": "soon"},
            {"user_id": "{me}", "status": "dnd", "dnd_end_time": -1},
            {"user_id": "{other}", "status": "away"},
            {"status": "away"},
            ["away"],
        ],
    )
    def test_a_bad_body_is_a_400(self, client: Client, user: User, token: str, body: Any) -> None:
        body = json.loads(json.dumps(body).replace("{me}", user.id).replace("{other}", new_id()))
        assert_error(set_status(client, token, user.id, body), 400, BAD_BODY)
        assert Status.objects.get(user=user).status == "online"

    def test_another_users_status_is_off_limits(
        self, client: Client, token: str, bob: User
    ) -> None:
        response = set_status(client, token, bob.id, {"user_id": bob.id, "status": "offline"})
        assert_error(response, 403, "api.context.permissions.app_error")
        assert not Status.objects.filter(user=bob).exists()

    def test_a_system_admin_may_set_another_users_status(
        self, client: Client, bob: User, admin_token: str
    ) -> None:
        response = set_status(client, admin_token, bob.id, {"user_id": bob.id, "status": "dnd"})
        assert response.status_code == 200
        assert Status.objects.get(user=bob).status == "dnd"

    def test_an_unknown_user_is_a_404(self, client: Client, admin_token: str) -> None:
        missing = new_id()
        response = set_status(client, admin_token, missing, {"user_id": missing, "status": "away"})
        assert_error(response, 404, "app.user.missing_account.const")

    @pytest.mark.parametrize(
        ("method", "url"),
        [("get", status_url("me")), ("put", status_url("me")), ("post", BY_IDS)],
    )
    def test_no_session_is_a_401(self, client: Client, method: str, url: str) -> None:
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, "[]", content_type="application/json")
        assert_error(response, 401, "api.context.session_expired.app_error")


class TestActivity:
    def test_activity_is_written_at_most_once_a_minute(
        self,
        client: Client,
        user: User,
        token: str,
        clock: Callable[[int], None],
        django_assert_num_queries,
    ) -> None:
        clock(1_000)
        client.get(ME, **bearer(token))
        clock(2_000)
        with django_assert_num_queries(0):  # session cached, activity throttled: no write
            assert client.get(ME, **bearer(token)).status_code == 200
        assert Status.objects.get(user=user).last_activity_at == 1_000
        forget_recent_activity()
        clock(61_000)
        client.get(ME, **bearer(token))
        assert Status.objects.get(user=user).last_activity_at == 61_000

    def test_a_chosen_status_outlasts_activity(
        self, client: Client, user: User, token: str, clock: Callable[[int], None]
    ) -> None:
        set_status(client, token, user.id, {"user_id": user.id, "status": "dnd"})
        forget_recent_activity()
        clock(5_000)
        client.get(ME, **bearer(token))
        row = Status.objects.get(user=user)
        assert (row.status, row.manual, row.last_activity_at) == ("dnd", True, 5_000)

    def test_an_automatic_away_ends_with_activity(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        Status.objects.create(user=user, status="away", manual=False, last_activity_at=1)
        with django_capture_on_commit_callbacks(execute=True):
            client.get(ME, **bearer(token))
        assert Status.objects.get(user=user).status == "online"
        assert [e.data for e in published if e.event == "status_change"] == [
            {"status": "online", "user_id": user.id}
        ]

    def test_staying_online_announces_nothing_new(
        self,
        client: Client,
        user: User,
        token: str,
        published: list,
        django_capture_on_commit_callbacks,
    ) -> None:
        client.get(ME, **bearer(token))
        forget_recent_activity()
        with django_capture_on_commit_callbacks(execute=True):
            client.get(ME, **bearer(token))
        assert [e for e in published if e.event == "status_change"] == []
