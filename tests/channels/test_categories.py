"""Sidebar categories: the defaults every team member gets, how joining and leaving
channels and teams moves channels between them, the favorite_channel preference, and the
v4 routes (list, create, bulk update, order, one category)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from apps.accounts.models import Preference, Session, User
from apps.accounts.services import (
    PreferenceData,
    preferences_delete,
    preferences_save,
    user_create,
)
from apps.channels.models import Channel, ChannelMember, SidebarCategory, SidebarChannel
from apps.channels.services import categories_ensure_defaults, channel_member_add
from apps.core.events import Event
from apps.core.ids import new_id
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add, team_member_remove
from tests.helpers import assert_error, bearer

BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"
NO_ROUTE = "api.context.404.app_error"
CATEGORIES = "app.channel.sidebar_categories.app_error"
CATEGORY_KEYS = {
    "id",
    "user_id",
    "team_id",
    "sort_order",
    "sorting",
    "type",
    "display_name",
    "muted",
    "collapsed",
    "channel_ids",
}


def url(user_id: str, team_id: str, rest: str = "") -> str:
    return f"/api/v4/users/{user_id}/teams/{team_id}/channels/categories{rest}"


def call(client: Client, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = bearer(token) if token else {}
    if body is None or method == "get":
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", **headers
    )


def make_team(creator: User, name: str = "alpha") -> Team:
    return team_create(creator=creator, display_name=name.title(), name=name, type="O")


def make_channel(team: Team, member: User, name: str, kind: str = "O") -> Channel:
    channel = Channel.objects.create(
        team=team, type=kind, name=name, display_name=name.title(), creator_id=member.id
    )
    channel_member_add(channel=channel, user=member)
    return channel


def make_dm(one: User, two: User) -> Channel:
    channel = Channel.objects.create(team=None, type="D", name="__".join(sorted([one.id, two.id])))
    channel_member_add(channel=channel, user=one)
    channel_member_add(channel=channel, user=two)
    return channel


def channel_id(team: Team, name: str) -> str:
    return Channel.objects.get(team=team, name=name).id


def sidebar(client: Client, user: User, team: Team, token: str) -> dict[str, Any]:
    response = call(client, "get", url(user.id, team.id), token)
    assert response.status_code == 200, response.content
    return response.json()


def by_type(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {category["type"]: category for category in body["categories"]}


@pytest.fixture
def team(user: User) -> Team:
    """Alice's team: she is in its town-square and off-topic."""
    return make_team(user)


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.mark.django_db
class TestDefaults:
    def test_every_member_has_three_default_categories(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        body = sidebar(client, user, team, token)
        suffix = f"_{user.id}_{team.id}"
        expected = [
            ("favorites", "Favorites", "", 0),
            ("channels", "Channels", "", 10),
            ("direct_messages", "Direct Messages", "recent", 20),
        ]
        assert body["order"] == [f"{kind}{suffix}" for kind, _, _, _ in expected]
        for category, (kind, name, sorting, sort_order) in zip(
            body["categories"], expected, strict=True
        ):
            assert set(category) == CATEGORY_KEYS
            assert category["id"] == f"{kind}{suffix}"
            assert (category["type"], category["display_name"]) == (kind, name)
            assert (category["sorting"], category["sort_order"]) == (sorting, sort_order)
            assert (category["user_id"], category["team_id"]) == (user.id, team.id)
            assert (category["muted"], category["collapsed"]) == (False, False)
        categories = by_type(body)
        assert categories["favorites"]["channel_ids"] == []
        assert categories["direct_messages"]["channel_ids"] == []
        assert sorted(categories["channels"]["channel_ids"]) == sorted(
            [channel_id(team, "town-square"), channel_id(team, "off-topic")]
        )

    def test_joining_a_team_creates_them(self, team: Team, other_user: User) -> None:
        team_member_add(team=team, user=other_user)
        kinds = SidebarCategory.objects.filter(user=other_user, team=team).values_list(
            "type", flat=True
        )
        assert sorted(kinds) == ["channels", "direct_messages", "favorites"]

    def test_they_are_created_on_first_read_when_missing(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        SidebarCategory.objects.filter(user=user, team=team).delete()
        body = sidebar(client, user, team, token)
        assert len(body["categories"]) == 3
        # the team's channels were unfiled by the delete; they are listed all the same
        assert len(by_type(body)["channels"]["channel_ids"]) == 2

    def test_ensuring_them_twice_changes_nothing(self, user: User, team: Team) -> None:
        categories_ensure_defaults(user_id=user.id, team_id=team.id)
        categories_ensure_defaults(user_id=user.id, team_id=team.id)
        assert SidebarCategory.objects.filter(user=user, team=team).count() == 3

    def test_a_new_favorites_category_starts_with_the_preferred_channels(
        self, user: User, other_user: User, team: Team
    ) -> None:
        dm = make_dm(user, other_user)
        off_topic = channel_id(team, "off-topic")
        Preference.objects.bulk_create(
            [
                Preference(user=user, category="favorite_channel", name=dm.id, value="true"),
                Preference(user=user, category="favorite_channel", name=off_topic, value="true"),
            ]
        )
        other_team = make_team(other_user, "beta")
        team_member_add(team=other_team, user=user)
        favorites = SidebarChannel.objects.filter(
            category_id=f"favorites_{user.id}_{other_team.id}"
        ).values_list("member__channel_id", flat=True)
        # off-topic belongs to the first team, so only the direct channel is a favorite here
        assert list(favorites) == [dm.id]


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_create_the_defaults_once(user: User, other_user: User) -> None:
    team = make_team(other_user, "gamma")
    team_member_add(team=team, user=user)
    SidebarCategory.objects.filter(user=user, team=team).delete()
    callers = 6
    start = threading.Barrier(callers)
    failures: list[BaseException] = []

    def ensure() -> None:
        try:
            start.wait()
            categories_ensure_defaults(user_id=user.id, team_id=team.id)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ensure) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    ids = SidebarCategory.objects.filter(user=user, team=team).values_list("id", flat=True)
    assert sorted(ids) == sorted(
        f"{kind}_{user.id}_{team.id}" for kind in ("channels", "direct_messages", "favorites")
    )


@pytest.mark.django_db
class TestMembership:
    def test_a_joined_channel_goes_to_the_end_of_channels(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        before = by_type(sidebar(client, user, team, token))["channels"]["channel_ids"]
        private = make_channel(team, user, "aardvark", "P")
        after = by_type(sidebar(client, user, team, token))
        assert after["channels"]["channel_ids"] == [*before, private.id]
        assert after["favorites"]["channel_ids"] == []

    def test_a_direct_channel_is_in_direct_messages_in_every_team(
        self, client: Client, user: User, other_user: User, team: Team, token: str
    ) -> None:
        other_team = make_team(other_user, "beta")
        team_member_add(team=other_team, user=user)
        dm = make_dm(user, other_user)
        for each in (team, other_team):
            categories = by_type(sidebar(client, user, each, token))
            assert categories["direct_messages"]["channel_ids"] == [dm.id]
            assert dm.id not in categories["channels"]["channel_ids"]

    def test_leaving_a_channel_takes_it_out_of_its_category(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        channel = make_channel(team, user, "news")
        created = call(
            client,
            "post",
            url(user.id, team.id),
            token,
            {
                "user_id": user.id,
                "team_id": team.id,
                "display_name": "Mine",
                "channel_ids": [channel.id],
            },
        )
        assert created.json()["channel_ids"] == [channel.id]
        ChannelMember.objects.filter(user=user, channel=channel).delete()
        assert not SidebarChannel.objects.filter(member__channel=channel).exists()
        body = sidebar(client, user, team, token)
        assert all(channel.id not in category["channel_ids"] for category in body["categories"])

    def test_leaving_the_team_clears_the_sidebar_there(
        self, client: Client, user: User, other_user: User, admin_token: str
    ) -> None:
        team = make_team(other_user, "beta")
        team_member_add(team=team, user=user)
        make_channel(team, user, "news")
        team_member_remove(team=team, user=user)
        assert not SidebarCategory.objects.filter(user=user, team=team).exists()
        assert not SidebarChannel.objects.filter(team=team, member__user=user).exists()
        assert sidebar(client, user, team, admin_token) == {"categories": [], "order": []}
        team_member_add(team=team, user=user)
        categories = by_type(sidebar(client, user, team, admin_token))
        assert len(categories) == 3
        assert sorted(categories["channels"]["channel_ids"]) == sorted(
            [channel_id(team, "town-square"), channel_id(team, "off-topic")]
        )


@pytest.mark.django_db
class TestFavoritePreference:
    def test_marking_and_unmarking_moves_the_channel(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        off_topic = channel_id(team, "off-topic")
        mark = PreferenceData(
            user_id=user.id, category="favorite_channel", name=off_topic, value="true"
        )
        preferences_save(user_id=user.id, preferences=[mark])
        categories = by_type(sidebar(client, user, team, token))
        assert categories["favorites"]["channel_ids"] == [off_topic]
        assert off_topic not in categories["channels"]["channel_ids"]

        unmark = PreferenceData(
            user_id=user.id, category="favorite_channel", name=off_topic, value="false"
        )
        preferences_save(user_id=user.id, preferences=[unmark])
        categories = by_type(sidebar(client, user, team, token))
        assert categories["favorites"]["channel_ids"] == []
        assert off_topic in categories["channels"]["channel_ids"]

    def test_deleting_the_preference_unmarks(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        town_square = channel_id(team, "town-square")
        mark = PreferenceData(
            user_id=user.id, category="favorite_channel", name=town_square, value="true"
        )
        preferences_save(user_id=user.id, preferences=[mark])
        preferences_delete(user_id=user.id, preferences=[mark])
        categories = by_type(sidebar(client, user, team, token))
        assert categories["favorites"]["channel_ids"] == []
        assert town_square in categories["channels"]["channel_ids"]

    def test_moving_into_favorites_sets_the_preference(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        categories = by_type(sidebar(client, user, team, token))
        off_topic = channel_id(team, "off-topic")
        favorites = {**categories["favorites"], "channel_ids": [off_topic]}
        channels = {
            **categories["channels"],
            "channel_ids": [c for c in categories["channels"]["channel_ids"] if c != off_topic],
        }
        response = call(client, "put", url(user.id, team.id), token, [favorites, channels])
        assert response.status_code == 200
        assert (
            Preference.objects.get(user=user, category="favorite_channel", name=off_topic).value
            == "true"
        )
        channels["channel_ids"] = categories["channels"]["channel_ids"]
        favorites["channel_ids"] = []
        assert (
            call(client, "put", url(user.id, team.id), token, [favorites, channels]).status_code
            == 200
        )
        assert not Preference.objects.filter(user=user, category="favorite_channel").exists()


@pytest.mark.django_db
class TestCreate:
    def test_a_custom_category_comes_after_favorites_and_takes_its_channels(
        self,
        client: Client,
        user: User,
        team: Team,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        off_topic = channel_id(team, "off-topic")
        body = {
            "user_id": user.id,
            "team_id": team.id,
            "display_name": "Projects",
            "type": "favorites",  # ignored: what a user creates is custom
            "sorting": "alpha",
            "muted": True,
            "channel_ids": [off_topic, off_topic],
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", url("me", team.id), token, body)
        assert response.status_code == 200
        created = response.json()
        assert set(created) == CATEGORY_KEYS
        assert len(created["id"]) == 26
        assert (created["type"], created["display_name"]) == ("custom", "Projects")
        assert (created["sorting"], created["muted"], created["sort_order"]) == ("alpha", True, 10)
        assert created["channel_ids"] == [off_topic]
        after = sidebar(client, user, team, token)
        assert after["order"] == [
            f"favorites_{user.id}_{team.id}",
            created["id"],
            f"channels_{user.id}_{team.id}",
            f"direct_messages_{user.id}_{team.id}",
        ]
        assert [c["sort_order"] for c in after["categories"]] == [0, 10, 20, 30]
        assert off_topic not in by_type(after)["channels"]["channel_ids"]
        events = [e for e in published if e.event == "sidebar_category_created"]
        assert [(e.data, e.broadcast.user_id, e.broadcast.team_id) for e in events] == [
            ({"category_id": created["id"]}, user.id, team.id)
        ]

    def test_channels_the_user_is_not_in_are_dropped(
        self, client: Client, user: User, other_user: User, team: Team, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        theirs = make_channel(team, other_user, "secret", "P")
        elsewhere = make_channel(make_team(user, "beta"), user, "faraway")
        body = {
            "user_id": user.id,
            "team_id": team.id,
            "display_name": "Stolen",
            "channel_ids": [theirs.id, elsewhere.id, new_id()],
        }
        response = call(client, "post", url(user.id, team.id), token, body)
        assert response.status_code == 200
        assert response.json()["channel_ids"] == []

    @pytest.mark.parametrize(
        "change",
        [
            {"user_id": "other"},
            {"team_id": ""},
            {"display_name": 5},
            {"muted": "yes"},
            {"channel_ids": "abc"},
            {"channel_ids": [1]},
            {"sorting": "sideways"},
            {"display_name": "x" * 65},
        ],
    )
    def test_a_malformed_body_is_400(
        self, client: Client, user: User, team: Team, token: str, change: dict[str, Any]
    ) -> None:
        body = {"user_id": user.id, "team_id": team.id, "display_name": "Ok", **change}
        assert_error(call(client, "post", url(user.id, team.id), token, body), 400, BAD_BODY)
        assert not SidebarCategory.objects.filter(type="custom").exists()

    def test_a_body_that_is_not_an_object_is_400(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        assert_error(call(client, "post", url(user.id, team.id), token, ["x"]), 400, BAD_BODY)

    def test_for_a_user_outside_the_team_is_404(
        self, client: Client, other_user: User, team: Team, admin_token: str
    ) -> None:
        body = {"user_id": other_user.id, "team_id": team.id, "display_name": "X"}
        response = call(client, "post", url(other_user.id, team.id), admin_token, body)
        assert_error(response, 404, CATEGORIES)


@pytest.mark.django_db
class TestUpdate:
    def test_several_at_once(
        self,
        client: Client,
        user: User,
        team: Team,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        categories = by_type(sidebar(client, user, team, token))
        town_square, off_topic = channel_id(team, "town-square"), channel_id(team, "off-topic")
        favorites = {
            **categories["favorites"],
            "display_name": "Renamed",  # only custom categories can be renamed
            "collapsed": True,
            "channel_ids": [off_topic],
        }
        channels = {
            **categories["channels"],
            "sorting": "alpha",
            "muted": True,
            "sort_order": 99,  # read-only
            "type": "custom",  # read-only
            "channel_ids": [town_square],
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", url(user.id, team.id), token, [favorites, channels])
        assert response.status_code == 200
        updated = response.json()
        assert [c["id"] for c in updated] == [favorites["id"], channels["id"]]
        assert (updated[0]["display_name"], updated[0]["collapsed"]) == ("Favorites", True)
        assert updated[0]["channel_ids"] == [off_topic]
        assert (updated[1]["sorting"], updated[1]["muted"]) == ("alpha", True)
        assert (updated[1]["sort_order"], updated[1]["type"]) == (10, "channels")
        assert updated[1]["channel_ids"] == [town_square]
        assert by_type(sidebar(client, user, team, token))["favorites"]["channel_ids"] == [
            off_topic
        ]
        events = [e for e in published if e.event == "sidebar_category_updated"]
        assert len(events) == 1
        assert (events[0].broadcast.user_id, events[0].broadcast.team_id) == (user.id, team.id)
        assert json.loads(events[0].data["updatedCategories"]) == updated

    def test_one_category_renamed_and_reordered(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        town_square, off_topic = channel_id(team, "town-square"), channel_id(team, "off-topic")
        created = call(
            client,
            "post",
            url(user.id, team.id),
            token,
            {
                "user_id": user.id,
                "team_id": team.id,
                "display_name": "Mine",
                "channel_ids": [town_square],
            },
        ).json()
        body = {
            **created,
            "id": "ignored",
            "display_name": "Ours",
            "channel_ids": [off_topic, town_square],
        }
        response = call(client, "put", url(user.id, team.id, f"/{created['id']}"), token, body)
        assert response.status_code == 200
        assert response.json()["id"] == created["id"]
        assert response.json()["display_name"] == "Ours"
        assert response.json()["channel_ids"] == [off_topic, town_square]
        one = call(client, "get", url(user.id, team.id, f"/{created['id']}"), token)
        assert one.json() == response.json()
        assert by_type(sidebar(client, user, team, token))["channels"]["channel_ids"] == []

    def test_direct_messages_cannot_be_muted(
        self, client: Client, user: User, other_user: User, team: Team, token: str
    ) -> None:
        dm = make_dm(user, other_user)
        category = by_type(sidebar(client, user, team, token))["direct_messages"]
        body = {**category, "muted": True, "sorting": "alpha"}
        response = call(client, "put", url(user.id, team.id, f"/{category['id']}"), token, body)
        assert response.status_code == 200
        assert (response.json()["muted"], response.json()["sorting"]) == (False, "alpha")
        assert response.json()["channel_ids"] == [dm.id]

    def test_a_category_of_someone_else_is_400_and_changes_nothing(
        self, client: Client, user: User, other_user: User, team: Team, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        mine = by_type(sidebar(client, user, team, token))["favorites"]
        theirs = SidebarCategory.objects.get(user=other_user, team=team, type="channels")
        body = [{**mine, "collapsed": True}, {"id": theirs.id, "collapsed": True}]
        assert_error(call(client, "put", url(user.id, team.id), token, body), 400, BAD_BODY)
        assert not SidebarCategory.objects.filter(collapsed=True).exists()

    def test_null_updates_nothing(self, client: Client, user: User, team: Team, token: str) -> None:
        response = client.put(
            url(user.id, team.id), "null", content_type="application/json", **bearer(token)
        )
        assert response.status_code == 200
        assert response.json() == []

    @pytest.mark.parametrize("body", [{"id": "x"}, ["not an object"], [{"id": 5}]])
    def test_a_malformed_list_is_400(
        self, client: Client, user: User, team: Team, token: str, body: Any
    ) -> None:
        assert_error(call(client, "put", url(user.id, team.id), token, body), 400, BAD_BODY)

    def test_one_category_body_must_name_the_url_user_and_team(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        category = by_type(sidebar(client, user, team, token))["favorites"]
        body = {**category, "team_id": new_id()}
        response = call(client, "put", url(user.id, team.id, f"/{category['id']}"), token, body)
        assert_error(response, 400, BAD_BODY)


@pytest.mark.django_db
class TestDelete:
    def test_deleting_a_custom_category_returns_its_channels(
        self,
        client: Client,
        user: User,
        other_user: User,
        team: Team,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        dm = make_dm(user, other_user)
        off_topic = channel_id(team, "off-topic")
        created = call(
            client,
            "post",
            url(user.id, team.id),
            token,
            {
                "user_id": user.id,
                "team_id": team.id,
                "display_name": "X",
                "channel_ids": [off_topic, dm.id],
            },
        ).json()
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", url(user.id, team.id, f"/{created['id']}"), token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        body = sidebar(client, user, team, token)
        assert created["id"] not in body["order"]
        categories = by_type(body)
        assert off_topic in categories["channels"]["channel_ids"]
        assert categories["direct_messages"]["channel_ids"] == [dm.id]
        events = [e for e in published if e.event == "sidebar_category_deleted"]
        assert [e.data for e in events] == [{"category_id": created["id"]}]

    def test_default_categories_cannot_be_deleted(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        category_id = f"channels_{user.id}_{team.id}"
        assert_error(
            call(client, "delete", url(user.id, team.id, f"/{category_id}"), token), 400, CATEGORIES
        )
        assert SidebarCategory.objects.filter(pk=category_id).exists()


@pytest.mark.django_db
class TestOrder:
    def test_reading_and_changing_the_order(
        self,
        client: Client,
        user: User,
        team: Team,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        order = sidebar(client, user, team, token)["order"]
        response = call(client, "get", url(user.id, team.id, "/order"), token)
        assert response.status_code == 200
        assert response.json() == order
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", url(user.id, team.id, "/order"), token, order[::-1])
        assert response.status_code == 200
        assert response.json() == order[::-1]
        body = sidebar(client, user, team, token)
        assert body["order"] == order[::-1]
        assert [c["sort_order"] for c in body["categories"]] == [0, 10, 20]
        events = [e for e in published if e.event == "sidebar_category_order_updated"]
        assert [e.data for e in events] == [{"order": order[::-1]}]

    def test_every_category_must_be_named(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        order = sidebar(client, user, team, token)["order"]
        response = call(client, "put", url(user.id, team.id, "/order"), token, order[:2])
        assert_error(response, 400, CATEGORIES)
        response = call(
            client, "put", url(user.id, team.id, "/order"), token, [order[0], order[0], order[1]]
        )
        assert_error(response, 400, CATEGORIES)  # a repeat counts once, so one is missing
        assert sidebar(client, user, team, token)["order"] == order

    @pytest.mark.parametrize("body", [{"order": []}, [1, 2], "x"])
    def test_a_malformed_order_is_400(
        self, client: Client, user: User, team: Team, token: str, body: Any
    ) -> None:
        assert_error(
            call(client, "put", url(user.id, team.id, "/order"), token, body), 400, BAD_BODY
        )

    def test_a_category_of_someone_else_is_400(
        self, client: Client, user: User, other_user: User, team: Team, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        order = sidebar(client, user, team, token)["order"]
        theirs = f"channels_{other_user.id}_{team.id}"
        response = call(client, "put", url(user.id, team.id, "/order"), token, [*order[:2], theirs])
        assert_error(response, 400, BAD_BODY)


@pytest.mark.django_db
class TestAccess:
    ROUTES = (("get", ""), ("post", ""), ("put", ""), ("get", "/order"), ("put", "/order"))

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_without_a_session_is_401(
        self, client: Client, user: User, team: Team, method: str, rest: str
    ) -> None:
        assert_error(call(client, method, url(user.id, team.id, rest), body=[]), 401, EXPIRED)

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_one_category_without_a_session_is_401(
        self, client: Client, user: User, team: Team, method: str
    ) -> None:
        path = url(user.id, team.id, f"/channels_{user.id}_{team.id}")
        assert_error(call(client, method, path, body={}), 401, EXPIRED)

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_bad_ids_in_the_url_are_400(
        self, client: Client, user: User, team: Team, token: str, method: str, rest: str
    ) -> None:
        assert_error(call(client, method, url("nope", team.id, rest), token, []), 400, BAD_URL)
        assert_error(call(client, method, url(user.id, "nope", rest), token, []), 400, BAD_URL)

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_a_malformed_category_id_is_400(
        self, client: Client, user: User, team: Team, token: str, method: str
    ) -> None:
        response = call(client, method, url(user.id, team.id, "/not_a_category"), token, {})
        assert_error(response, 400, BAD_URL)

    def test_characters_outside_the_route_are_404(
        self, client: Client, user: User, team: Team, token: str
    ) -> None:
        assert_error(call(client, "get", url(user.id, team.id, "/a.b"), token), 404, NO_ROUTE)

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_someone_elses_sidebar_is_403(
        self,
        client: Client,
        user: User,
        other_user: User,
        team: Team,
        bob_token: str,
        method: str,
        rest: str,
    ) -> None:
        team_member_add(team=team, user=other_user)
        assert_error(
            call(client, method, url(user.id, team.id, rest), bob_token, []), 403, FORBIDDEN
        )

    @pytest.mark.parametrize(("method", "rest"), ROUTES)
    def test_a_team_one_cannot_view_is_403(
        self, client: Client, other_user: User, team: Team, bob_token: str, method: str, rest: str
    ) -> None:
        path = url(other_user.id, team.id, rest)
        assert_error(call(client, method, path, bob_token, []), 403, FORBIDDEN)

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_someone_elses_category_is_403_even_naming_oneself(
        self,
        client: Client,
        user: User,
        other_user: User,
        team: Team,
        bob_token: str,
        method: str,
    ) -> None:
        team_member_add(team=team, user=other_user)
        category = SidebarCategory.objects.get(user=user, team=team, type="channels")
        for owner in (user, other_user):
            path = url(owner.id, team.id, f"/{category.id}")
            assert_error(call(client, method, path, bob_token, {}), 403, FORBIDDEN)

    def test_a_missing_category_is_403_unless_one_may_see_every_sidebar(
        self, client: Client, user: User, team: Team, token: str, admin_token: str
    ) -> None:
        path = url(user.id, team.id, f"/{new_id()}")
        assert_error(call(client, "get", path, token), 403, FORBIDDEN)
        assert_error(call(client, "get", path, admin_token), 404, CATEGORIES)

    def test_an_admin_reads_and_arranges_someone_elses_sidebar(
        self, client: Client, user: User, team: Team, token: str, admin_token: str
    ) -> None:
        mine = sidebar(client, user, team, token)
        assert sidebar(client, user, team, admin_token) == mine
        category = mine["categories"][1]
        response = call(client, "get", url(user.id, team.id, f"/{category['id']}"), admin_token)
        assert response.status_code == 200
        assert response.json() == category
        response = call(
            client, "put", url(user.id, team.id, "/order"), admin_token, mine["order"][::-1]
        )
        assert response.status_code == 200
        assert sidebar(client, user, team, token)["order"] == mine["order"][::-1]


@pytest.mark.django_db
def test_listing_costs_the_same_for_one_channel_and_thirty(
    client: Client,
    user: User,
    other_user: User,
    token: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    team = make_team(other_user, "beta")
    team_member_add(team=team, user=user)
    ChannelMember.objects.filter(user=user, channel__name="off-topic").delete()
    sidebar(client, user, team, token)  # warm the session cache
    with django_assert_max_num_queries(5) as one:  # two membership reads, three sidebar reads
        body = sidebar(client, user, team, token)
    assert sum(len(c["channel_ids"]) for c in body["categories"]) == 1

    for number in range(29):
        make_channel(team, user, f"room-{number}")
    for number in range(5):
        make_dm(user, user_of(number))
    favorites = SidebarCategory.objects.get(user=user, team=team, type="favorites")
    SidebarChannel.objects.filter(member__user=user, member__channel__name="room-0").update(
        category=favorites
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = sidebar(client, user, team, token)
    assert sum(len(c["channel_ids"]) for c in body["categories"]) == 35


def user_of(number: int) -> User:
    return user_create(
        username=f"peer{number}",
        email=f"peer{number}@example.com",
        password="passw0rd!",
        roles="system_user",
    )
