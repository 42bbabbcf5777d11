"""A user's channels over API v4: per team (with their direct and group channels), across
teams, their memberships in a team, and what they have not read in a channel. Ends with
the real Python client driving membership against the live server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import User
from apps.accounts.services import session_create
from apps.channels.models import CHANNEL_DIRECT, CHANNEL_GROUP, Channel
from apps.channels.services import channel_record_post
from apps.core.config import SERVER_VERSION
from apps.core.ids import new_id
from apps.teams.services import team_create, team_member_add
from tests.channels.membership_setup import (
    BAD_URL,
    EXPIRED,
    FORBIDDEN,
    MEMBER_KEYS,
    World,
    build_world,
    call,
    make_channel,
    member,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

CHANNEL_KEYS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "team_id",
    "type",
    "display_name",
    "name",
    "header",
    "purpose",
    "last_post_at",
    "total_msg_count",
    "extra_update_at",
    "creator_id",
    "scheme_id",
    "props",
    "group_constrained",
    "shared",
    "total_msg_count_root",
    "policy_id",
    "last_root_post_at",
]


@pytest.fixture
def world(user: User, other_user: User) -> World:
    return build_world(user, other_user)


@pytest.fixture
def admin_token(admin: User) -> str:
    return session_create(user=admin)[1]


@pytest.fixture
def direct(world: World) -> Channel:
    return make_channel(
        None,
        f"{world.alice.id}__{world.bob.id}",
        type=CHANNEL_DIRECT,
        members=(world.alice, world.bob),
    )


@pytest.fixture
def group(world: World) -> Channel:
    return make_channel(
        None, "f" * 40, type=CHANNEL_GROUP, members=(world.alice, world.bob, world.carol)
    )


class TestChannelsInTeam:
    def url(self, team_id: str, user_id: str = "me") -> str:
        return f"/api/v4/users/{user_id}/teams/{team_id}/channels"

    def test_the_teams_channels_and_all_direct_and_group_ones(
        self, client: Client, world: World, direct: Channel, group: Channel, admin: User
    ) -> None:
        elsewhere = team_create(creator=admin, display_name="Beta", name="beta", type="O")
        team_member_add(team=elsewhere, user=world.bob)
        response = call(client, "get", self.url(world.team.id), world.bob_token)
        assert response.status_code == 200
        body = response.json()
        assert {c["name"] for c in body} == {
            "town-square",
            "off-topic",
            "pub",
            direct.name,
            group.name,
        }
        assert [c["display_name"] for c in body] == sorted(c["display_name"] for c in body)
        by_id = {c["id"]: c for c in body}
        assert list(by_id[world.pub.id]) == CHANNEL_KEYS
        assert by_id[direct.id]["team_id"] == ""
        assert by_id[world.pub.id] == {
            "id": world.pub.id,
            "create_at": world.pub.create_at,
            "update_at": world.pub.update_at,
            "delete_at": 0,
            "team_id": world.team.id,
            "type": "O",
            "display_name": "Pub",
            "name": "pub",
            "header": "",
            "purpose": "",
            "last_post_at": 0,
            "total_msg_count": 0,
            "extra_update_at": 0,
            "creator_id": "",
            "scheme_id": None,
            "props": None,
            "group_constrained": None,
            "shared": None,
            "total_msg_count_root": 0,
            "policy_id": None,
            "last_root_post_at": 0,
        }

    def test_archived_channels_on_request(self, client: Client, world: World) -> None:
        old = make_channel(world.team, "old", members=(world.bob,))
        recent = make_channel(world.team, "recent", members=(world.bob,))
        Channel.objects.filter(pk=old.pk).update(delete_at=1_000)
        Channel.objects.filter(pk=recent.pk).update(delete_at=5_000)

        def names(query: str) -> set[str]:
            response = call(client, "get", self.url(world.team.id) + query, world.bob_token)
            return {c["name"] for c in response.json()}

        assert names("") == {"town-square", "off-topic", "pub"}
        assert names("?include_deleted=true") == {
            "town-square",
            "off-topic",
            "pub",
            "old",
            "recent",
        }
        assert names("?include_deleted=true&last_delete_at=2000") == {
            "town-square",
            "off-topic",
            "pub",
            "recent",
        }
        assert names("?last_delete_at=junk") == {"town-square", "off-topic", "pub"}

    def test_etag(self, client: Client, world: World) -> None:
        first = call(client, "get", self.url(world.team.id), world.bob_token)
        etag = first["ETag"]
        newest = max(Channel.objects.filter(members__user=world.bob), key=lambda c: c.update_at)
        assert etag == f"{SERVER_VERSION}.{newest.id}.{newest.update_at}.0.3"
        again = client.get(
            self.url(world.team.id),
            HTTP_AUTHORIZATION=f"Bearer {world.bob_token}",
            HTTP_IF_NONE_MATCH=etag,
        )
        assert again.status_code == 304
        channel_record_post(channel_id=world.pub.id, create_at=9_000_000_000_000, is_root=True)
        changed = call(client, "get", self.url(world.team.id), world.bob_token)
        assert changed["ETag"] == f"{SERVER_VERSION}.{world.pub.id}.9000000000000.0.3"

    def test_no_channels_is_not_found(self, client: Client, world: World, admin_token: str) -> None:
        response = call(client, "get", self.url(world.team.id), admin_token)
        assert_error(response, 404, "app.channel.get_channels.not_found.app_error")

    def test_another_users_channels_need_edit_other_users(
        self, client: Client, world: World, admin_token: str
    ) -> None:
        response = call(client, "get", self.url(world.team.id, world.bob.id), world.alice_token)
        assert_error(response, 403, FORBIDDEN)
        response = call(client, "get", self.url(world.team.id, world.bob.id), admin_token)
        assert {c["name"] for c in response.json()} == {"town-square", "off-topic", "pub"}

    def test_needs_view_team(self, client: Client, world: World) -> None:
        assert_error(
            call(client, "get", self.url(world.team.id), world.carol_token), 403, FORBIDDEN
        )

    def test_bad_input_and_no_session(self, client: Client, world: World) -> None:
        assert_error(call(client, "get", self.url("bad"), world.bob_token), 400, BAD_URL)
        assert_error(
            call(client, "get", self.url(world.team.id, "bad"), world.bob_token), 400, BAD_URL
        )
        response = call(
            client, "get", self.url(world.team.id) + "?last_delete_at=-1", world.bob_token
        )
        assert_error(response, 400, BAD_URL)
        assert_error(call(client, "get", self.url(world.team.id)), 401, EXPIRED)

    def test_query_budget_does_not_grow_with_channels(
        self, client: Client, world: World, django_assert_max_num_queries: Any
    ) -> None:
        url = self.url(world.team.id)
        call(client, "get", url, world.bob_token)  # warm the session cache
        with django_assert_max_num_queries(2) as few:
            assert len(call(client, "get", url, world.bob_token).json()) == 3
        for n in range(30):
            make_channel(world.team, f"more{n}", members=(world.bob,))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(call(client, "get", url, world.bob_token).json()) == 33


class TestAllChannels:
    def url(self, user_id: str = "me") -> str:
        return f"/api/v4/users/{user_id}/channels"

    def test_every_team_and_direct_channel(
        self, client: Client, world: World, direct: Channel, admin: User
    ) -> None:
        elsewhere = team_create(creator=admin, display_name="Beta", name="beta", type="O")
        team_member_add(team=elsewhere, user=world.bob)
        response = call(client, "get", self.url(), world.bob_token)
        assert response.status_code == 200
        body = response.json()
        ids = [c["id"] for c in body]
        assert ids == sorted(ids)
        expected = set(Channel.objects.filter(members__user=world.bob).values_list("id", flat=True))
        assert set(ids) == expected
        assert {c["team_id"] for c in body} == {world.team.id, elsewhere.id, ""}
        assert all(list(c) == CHANNEL_KEYS for c in body)

    def test_archived_channels_on_request(self, client: Client, world: World) -> None:
        Channel.objects.filter(pk=world.pub.pk).update(delete_at=10)
        plain = {c["id"] for c in call(client, "get", self.url(), world.bob_token).json()}
        assert world.pub.id not in plain
        response = call(client, "get", self.url() + "?include_deleted=true", world.bob_token)
        assert world.pub.id in {c["id"] for c in response.json()}

    def test_nothing_is_an_empty_list(self, client: Client, world: World) -> None:
        assert call(client, "get", self.url(), world.carol_token).json() == []

    def test_permissions_and_errors(self, client: Client, world: World, admin_token: str) -> None:
        assert_error(call(client, "get", self.url(world.bob.id), world.alice_token), 403, FORBIDDEN)
        assert len(call(client, "get", self.url(world.bob.id), admin_token).json()) == 3
        assert_error(call(client, "get", self.url("bad"), world.bob_token), 400, BAD_URL)
        response = call(client, "get", self.url() + "?last_delete_at=-5", world.bob_token)
        assert_error(response, 400, BAD_URL)
        assert_error(call(client, "get", self.url()), 401, EXPIRED)

    def test_query_budget_does_not_grow_with_channels(
        self, client: Client, world: World, django_assert_max_num_queries: Any
    ) -> None:
        url = self.url()
        call(client, "get", url, world.bob_token)
        with django_assert_max_num_queries(1) as few:
            assert len(call(client, "get", url, world.bob_token).json()) == 3
        for n in range(30):
            make_channel(world.team, f"more{n}", members=(world.bob,))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(call(client, "get", url, world.bob_token).json()) == 33


class TestMembershipsInTeam:
    def url(self, team_id: str, user_id: str = "me") -> str:
        return f"/api/v4/users/{user_id}/teams/{team_id}/channels/members"

    def test_team_and_direct_memberships(
        self, client: Client, world: World, direct: Channel, admin: User
    ) -> None:
        elsewhere = team_create(creator=admin, display_name="Beta", name="beta", type="O")
        team_member_add(team=elsewhere, user=world.bob)
        response = call(client, "get", self.url(world.team.id), world.bob_token)
        assert response.status_code == 200
        body = response.json()
        assert all(list(m) == MEMBER_KEYS for m in body)
        assert {m["user_id"] for m in body} == {world.bob.id}
        in_team = Channel.objects.filter(members__user=world.bob, team=world.team)
        expected = {*in_team.values_list("id", flat=True), direct.id}
        assert {m["channel_id"] for m in body} == expected
        assert len(body) == 4

    def test_another_users_memberships_need_an_admin(
        self, client: Client, world: World, admin: User, admin_token: str
    ) -> None:
        response = call(client, "get", self.url(world.team.id, world.bob.id), world.alice_token)
        assert_error(response, 403, FORBIDDEN)
        team_member_add(team=world.team, user=admin)
        response = call(client, "get", self.url(world.team.id, world.bob.id), admin_token)
        assert len(response.json()) == 3

    def test_needs_view_team_and_good_ids(self, client: Client, world: World) -> None:
        assert_error(
            call(client, "get", self.url(world.team.id), world.carol_token), 403, FORBIDDEN
        )
        assert_error(call(client, "get", self.url("bad"), world.bob_token), 400, BAD_URL)
        assert_error(
            call(client, "get", self.url(world.team.id, "bad"), world.bob_token), 400, BAD_URL
        )
        assert_error(call(client, "get", self.url(world.team.id)), 401, EXPIRED)

    def test_query_budget_does_not_grow_with_channels(
        self, client: Client, world: World, django_assert_max_num_queries: Any
    ) -> None:
        url = self.url(world.team.id)
        call(client, "get", url, world.bob_token)
        with django_assert_max_num_queries(2) as few:
            assert len(call(client, "get", url, world.bob_token).json()) == 3
        for n in range(30):
            make_channel(world.team, f"more{n}", members=(world.bob,))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(call(client, "get", url, world.bob_token).json()) == 33


class TestChannelUnread:
    def url(self, channel_id: str, user_id: str = "me") -> str:
        return f"/api/v4/users/{user_id}/channels/{channel_id}/unread"

    @pytest.fixture
    def busy(self, world: World) -> Channel:
        for at, root in (
            (5_000_000_000_000, True),
            (5_000_000_000_001, False),
            (5_000_000_000_002, True),
        ):
            channel_record_post(channel_id=world.pub.id, create_at=at, is_root=root)
        world.pub.members.filter(user=world.bob).update(
            msg_count=1,
            msg_count_root=1,
            mention_count=2,
            mention_count_root=1,
            urgent_mention_count=1,
        )
        return world.pub

    def test_totals_minus_what_was_seen(self, client: Client, world: World, busy: Channel) -> None:
        response = call(client, "get", self.url(busy.id), world.bob_token)
        assert response.status_code == 200
        assert response.json() == {
            "team_id": world.team.id,
            "channel_id": busy.id,
            "msg_count": 2,
            "mention_count": 2,
            "mention_count_root": 1,
            "urgent_mention_count": 1,
            "msg_count_root": 1,
        }

    def test_mentions_only_channels_count_no_messages(
        self, client: Client, world: World, busy: Channel
    ) -> None:
        stored = member(busy, world.bob)
        stored.notify_props = {**stored.notify_props, "mark_unread": "mention"}
        stored.save(update_fields=["notify_props"])
        body = call(client, "get", self.url(busy.id), world.bob_token).json()
        assert (body["msg_count"], body["msg_count_root"], body["mention_count"]) == (0, 0, 2)

    def test_a_direct_channel_has_no_team(
        self, client: Client, world: World, direct: Channel
    ) -> None:
        assert call(client, "get", self.url(direct.id), world.bob_token).json()["team_id"] == ""

    def test_someone_elses_unreads_need_edit_other_users(
        self, client: Client, world: World, busy: Channel, admin_token: str
    ) -> None:
        assert_error(
            call(client, "get", self.url(busy.id, world.bob.id), world.alice_token), 403, FORBIDDEN
        )
        response = call(client, "get", self.url(busy.id, world.bob.id), admin_token)
        assert response.json()["msg_count"] == 2

    def test_not_a_member(self, client: Client, world: World, admin_token: str) -> None:
        response = call(client, "get", self.url(world.priv.id, world.bob.id), admin_token)
        assert_error(response, 404, "app.channel.get_unread.app_error")

    def test_errors(self, client: Client, world: World) -> None:
        assert_error(call(client, "get", self.url(world.priv.id), world.bob_token), 403, FORBIDDEN)
        assert_error(call(client, "get", self.url("bad"), world.bob_token), 400, BAD_URL)
        assert_error(
            call(client, "get", self.url(world.pub.id, "bad"), world.bob_token), 400, BAD_URL
        )
        assert_error(call(client, "get", self.url(new_id())), 401, EXPIRED)


def driver_for(live_server: Any, login_id: str) -> Driver:
    address = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": login_id,
            "password": "passw0rd!",
            "timeout": 10,
        }
    )
    driver.login()
    return driver


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_adds_lists_and_views(
    live_server: Any, user: User, other_user: User
) -> None:
    team = team_create(
        creator=user, display_name="Alpha", name="alpha", type="O", allow_open_invite=True
    )
    team_member_add(team=team, user=other_user)
    channel = make_channel(team, "driven", admins=(user,))
    alice = driver_for(live_server, "alice")
    bob = driver_for(live_server, "bob")

    added = alice.channels.add_user(channel.id, options={"user_id": other_user.id})
    assert (added["channel_id"], added["user_id"]) == (channel.id, other_user.id)
    members = bob.channels.get_channel_members(channel.id)
    assert {m["user_id"] for m in members} == {user.id, other_user.id}
    assert bob.channels.get_channel_member(channel.id, "me")["roles"] == "channel_user"

    channel_record_post(channel_id=channel.id, create_at=5_000_000_000_000, is_root=True)
    # the post (the notice that alice added bob is not counted)
    assert bob.channels.get_unread_messages("me", channel.id)["msg_count"] == 1
    viewed = bob.channels.view_channel("me", options={"channel_id": channel.id})
    assert viewed == {"status": "OK", "last_viewed_at_times": {channel.id: 5_000_000_000_000}}
    assert bob.channels.get_unread_messages("me", channel.id)["msg_count"] == 0
    assert channel.id in {c["id"] for c in bob.channels.get_channels_for_user("me", team.id)}
    assert channel.id in {
        m["channel_id"] for m in bob.channels.get_channel_members_for_user("me", team.id)
    }
    assert bob.channels.remove_channel_member(channel.id, "me") == {"status": "OK"}
    alice.logout()
    bob.logout()
