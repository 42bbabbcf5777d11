"""API v3 lists of a team's channels: the caller's channels, counts and memberships, the
channels they could join (paged, searched, 3.4's whole list) and autocomplete."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from apps.channels.models import Channel
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_member_add,
    direct_channel_get_or_create,
)
from apps.core.config import SERVER_VERSION
from apps.posts.services import post_create
from tests.channels.v3_setup import (
    CHANNEL_KEYS,
    FORBIDDEN,
    INVALID_PARAM,
    MEMBER_KEYS,
    NO_SESSION,
    V3World,
    queries_of,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def add_channels(v3: V3World, count: int, *, join: bool) -> list[Channel]:
    channels = []
    for n in range(count):
        channel = channel_create(
            team=v3.team, creator=v3.alice, name=f"extra-{n}", display_name=f"Extra {n}", type="O"
        )
        if join:
            channel_member_add(channel=channel, user=v3.bob)
        channels.append(channel)
    return channels


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [channel["name"] for channel in response.json()]


class TestMyChannels:
    def test_lists_my_team_channels_and_conversations_by_display_name(self, v3: V3World) -> None:
        dm = direct_channel_get_or_create(user=v3.bob, other_user=v3.alice).channel
        Channel.objects.filter(pk=dm.pk).update(display_name="")
        response = v3.api("bob").get(f"{v3.channels}/")
        assert names(response) == [dm.name, "dev", "off-topic", "town-square"]
        first = response.json()[1]
        assert list(first) == CHANNEL_KEYS
        assert first["team_id"] == v3.team.id
        assert response.json()[0]["team_id"] == ""

    def test_etag_names_the_latest_change_and_the_count(self, v3: V3World) -> None:
        api = v3.api("bob")
        Channel.objects.filter(pk=v3.dev.pk).update(last_post_at=2_000_000_000_000)
        response = api.get(f"{v3.channels}/")
        assert response["ETag"] == f"{SERVER_VERSION}.{v3.dev.id}.2000000000000.0.3"
        again = api.get(f"{v3.channels}/", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        post_create(author=v3.bob, channel=v3.square, message="news", create_at=2_000_000_000_001)
        changed = api.get(f"{v3.channels}/", HTTP_IF_NONE_MATCH=response["ETag"])
        assert changed.status_code == 200
        assert changed["ETag"] == f"{SERVER_VERSION}.{v3.square.id}.2000000000001.0.3"

    def test_needs_the_trailing_slash(self, v3: V3World) -> None:
        response = v3.api("bob").get(v3.channels)
        assert response.status_code == 404
        assert response["Content-Type"] == "text/plain; charset=utf-8"

    def test_session_and_team_membership(self, v3: V3World) -> None:
        assert_error(v3.api(None).get(f"{v3.channels}/"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.channels}/"), 403, FORBIDDEN)
        assert_error(v3.api("bob").get(f"/teams/{v3.beta.id}/channels/"), 403, FORBIDDEN)

    def test_an_admin_in_no_channel_of_the_team_gets_4_10s_error(self, v3: V3World) -> None:
        response = v3.api("dana").get(f"{v3.channels}/")
        assert_error(response, 400, "store.sql_channel.get_channels.not_found.app_error")

    def test_costs_the_same_for_1_channel_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        api.get(f"{v3.channels}/")  # warm the session cache
        budget = queries_of(lambda: api.get(f"{v3.channels}/"))
        add_channels(v3, 30, join=True)
        with django_assert_max_num_queries(budget):
            assert len(names(api.get(f"{v3.channels}/"))) == 33


class TestCounts:
    def test_totals_and_update_times_with_an_md5_etag(self, v3: V3World) -> None:
        post_create(author=v3.alice, channel=v3.dev, message="one")
        api = v3.api("bob")
        response = api.get(f"{v3.channels}/counts")
        assert response.status_code == 200
        body = response.json()
        channels = {c.id: c for c in Channel.objects.filter(members__user=v3.bob)}
        assert body == {
            "counts": {i: c.total_msg_count for i, c in channels.items()},
            "update_times": {i: c.update_at for i, c in channels.items()},
        }
        assert body["counts"][v3.dev.id] == 1
        digest = hashlib.md5(
            "".join(f"{i}{body['counts'][i]}" for i in sorted(channels)).encode()
        ).hexdigest()
        latest = max(c.update_at for c in channels.values())
        assert response["ETag"] == f"{SERVER_VERSION}.{digest}.{latest}"
        assert (
            api.get(f"{v3.channels}/counts", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        )

    def test_session_and_team(self, v3: V3World) -> None:
        assert_error(v3.api(None).get(f"{v3.channels}/counts"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.channels}/counts"), 403, FORBIDDEN)

    def test_costs_the_same_for_1_channel_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        api.get(f"{v3.channels}/counts")
        budget = queries_of(lambda: api.get(f"{v3.channels}/counts"))
        add_channels(v3, 30, join=True)
        with django_assert_max_num_queries(budget):
            assert len(api.get(f"{v3.channels}/counts").json()["counts"]) == 33


class TestMyMemberships:
    def test_my_memberships_in_v3_shape(self, v3: V3World) -> None:
        response = v3.api("bob").get(f"{v3.channels}/members")
        assert response.status_code == 200
        members = response.json()
        assert {m["channel_id"] for m in members} == {v3.square.id, v3.off_topic.id, v3.dev.id}
        assert list(members[0]) == MEMBER_KEYS
        assert all(m["user_id"] == v3.bob.id for m in members)
        assert {m["roles"] for m in members} == {"channel_user"}
        assert members[0]["notify_props"] == {
            "desktop": "default",
            "email": "default",
            "mark_unread": "all",
            "push": "default",
        }

    def test_session_and_team(self, v3: V3World) -> None:
        assert_error(v3.api(None).get(f"{v3.channels}/members"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.channels}/members"), 403, FORBIDDEN)

    def test_costs_the_same_for_1_channel_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        api = v3.api("bob")
        api.get(f"{v3.channels}/members")
        budget = queries_of(lambda: api.get(f"{v3.channels}/members"))
        add_channels(v3, 30, join=True)
        with django_assert_max_num_queries(budget):
            assert len(api.get(f"{v3.channels}/members").json()) == 33


class TestMoreChannels:
    def test_pages_of_public_channels_to_join_with_a_row_offset(self, v3: V3World) -> None:
        add_channels(v3, 3, join=False)
        api = v3.api("bob")
        assert names(api.get(f"{v3.channels}/more/0/50")) == ["extra-0", "extra-1", "extra-2"]
        response = api.get(f"{v3.channels}/more/1/1")
        assert names(response) == ["extra-1"]
        extra = Channel.objects.get(name="extra-1")
        assert response["ETag"] == f"{SERVER_VERSION}.{extra.id}.{extra.update_at}.0.1"

    def test_an_empty_page_has_the_empty_list_etag(self, v3: V3World) -> None:
        response = v3.api("bob").get(f"{v3.channels}/more/0/50")
        assert response.json() == []
        assert response["ETag"] == f"{SERVER_VERSION}.0.0.0.0"

    def test_archived_and_private_channels_are_not_offered(self, v3: V3World) -> None:
        extra = add_channels(v3, 2, join=False)
        channel_archive(channel=extra[0])
        assert names(v3.api("bob").get(f"{v3.channels}/more/0/50")) == ["extra-1"]

    def test_errors(self, v3: V3World) -> None:
        assert_error(v3.api(None).get(f"{v3.channels}/more/0/50"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.channels}/more/0/50"), 403, FORBIDDEN)
        huge = v3.api("bob").get(f"{v3.channels}/more/0/{'9' * 20}")
        assert_error(huge, 400, INVALID_PARAM)
        assert v3.api("bob").get(f"{v3.channels}/more/x/1").status_code == 404

    def test_costs_the_same_for_1_channel_as_for_30(
        self, v3: V3World, django_assert_max_num_queries: Any
    ) -> None:
        add_channels(v3, 1, join=False)
        api = v3.api("bob")
        api.get(f"{v3.channels}/more/0/100")
        budget = queries_of(lambda: api.get(f"{v3.channels}/more/0/100"))
        Channel.objects.filter(name="extra-0").delete()
        add_channels(v3, 30, join=False)
        with django_assert_max_num_queries(budget):
            assert len(names(api.get(f"{v3.channels}/more/0/100"))) == 30

    def test_classic_list_is_3_4s_channel_list(self, v3: V3World) -> None:
        add_channels(v3, 2, join=False)
        api = v3.api("bob")
        response = api.get(f"{v3.channels}/more")
        assert response.status_code == 200
        body = response.json()
        assert body["members"] == {}
        assert [c["name"] for c in body["channels"]] == ["extra-0", "extra-1"]
        assert list(body["channels"][0]) == CHANNEL_KEYS
        assert (
            api.get(f"{v3.channels}/more", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        )
        assert_error(v3.api("carol").get(f"{v3.channels}/more"), 403, FORBIDDEN)


class TestSearchAndAutocomplete:
    def test_search_finds_channels_to_join(self, v3: V3World) -> None:
        add_channels(v3, 2, join=False)
        channel_create(team=v3.team, creator=v3.alice, name="extra-p", display_name="P", type="P")
        api = v3.api("bob")
        assert names(api.post(f"{v3.channels}/more/search", {"term": "extra"})) == [
            "extra-0",
            "extra-1",
        ]
        # dev matches, but bob is already in it.
        assert names(api.post(f"{v3.channels}/more/search", {"term": "dev"})) == []

    @pytest.mark.parametrize("body", [{"term": ""}, {"term": 5}, ["dev"], None])
    def test_search_needs_a_term(self, v3: V3World, body: Any) -> None:
        response = v3.api("bob").post(f"{v3.channels}/more/search", body)
        assert_error(response, 400, INVALID_PARAM)

    def test_search_errors(self, v3: V3World) -> None:
        path = f"{v3.channels}/more/search"
        assert_error(v3.api(None).post(path, {"term": "x"}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"term": "x"}), 403, FORBIDDEN)
        assert_error(v3.api("bob").post(path, raw="{nope"), 400, INVALID_PARAM)

    def test_autocomplete_offers_public_channels(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert names(api.get(f"{v3.channels}/autocomplete?term=e")) == [
            "dev",
            "town-square",
        ]
        assert names(api.get(f"{v3.channels}/autocomplete?term=secret")) == []
        assert_error(v3.api("carol").get(f"{v3.channels}/autocomplete?term=e"), 403, FORBIDDEN)
        assert_error(v3.api(None).get(f"{v3.channels}/autocomplete"), 401, NO_SESSION)
