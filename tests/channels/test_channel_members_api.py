"""Channel membership over API v4: members, adding and removing them, member roles, notify
props, and viewing channels."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import session_create, user_set_active
from apps.channels.models import CHANNEL_DIRECT, CHANNEL_PRIVATE, Channel
from apps.channels.services import channel_record_post
from apps.core.events import Event
from apps.core.ids import new_id
from apps.teams.services import team_create, team_member_add, team_member_remove
from tests.channels.membership_setup import (
    BAD_BODY,
    BAD_URL,
    EXPIRED,
    FORBIDDEN,
    MEMBER_KEYS,
    NO_CHANNEL,
    NO_MEMBER,
    NO_USER,
    World,
    build_world,
    call,
    is_member,
    make_channel,
    make_user,
    member,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(user: User, other_user: User) -> World:
    return build_world(user, other_user)


@pytest.fixture
def admin_token(admin: User) -> str:
    return session_create(user=admin)[1]


def events(published: list[Event], name: str) -> list[Event]:
    return [event for event in published if event.event == name]


class TestGetChannelMembers:
    def url(self, channel_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members"

    def test_lists_the_members_with_their_full_record(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url(world.pub.id), world.bob_token)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert sorted(m["user_id"] for m in body) == sorted([world.alice.id, world.bob.id])
        bob = next(m for m in body if m["user_id"] == world.bob.id)
        stored = member(world.pub, world.bob)
        assert list(bob) == MEMBER_KEYS
        assert bob == {
            "channel_id": world.pub.id,
            "user_id": world.bob.id,
            "roles": "channel_user",
            "last_viewed_at": stored.last_viewed_at,
            "msg_count": 0,
            "mention_count": 0,
            "mention_count_root": 0,
            "urgent_mention_count": 0,
            "msg_count_root": 0,
            "notify_props": {
                "desktop": "default",
                "mark_unread": "all",
                "push": "default",
                "email": "default",
                "ignore_channel_mentions": "default",
                "channel_auto_follow_threads": "off",
            },
            "last_update_at": stored.last_update_at,
            "scheme_guest": False,
            "scheme_user": True,
            "scheme_admin": False,
            "explicit_roles": "",
        }
        alice = next(m for m in body if m["user_id"] == world.alice.id)
        assert alice["roles"] == "channel_user channel_admin"

    def test_pages(self, client: Client, world: World) -> None:
        ordered = sorted([world.alice.id, world.bob.id])
        first = call(client, "get", self.url(world.pub.id) + "?per_page=1", world.bob_token)
        second = call(client, "get", self.url(world.pub.id) + "?per_page=1&page=1", world.bob_token)
        assert [m["user_id"] for m in first.json() + second.json()] == ordered

    def test_non_members_may_not_list_a_channel(self, client: Client, world: World) -> None:
        assert_error(call(client, "get", self.url(world.priv.id), world.bob_token), 403, FORBIDDEN)
        outsider = make_channel(world.team, "quiet", admins=(world.alice,))
        assert_error(call(client, "get", self.url(outsider.id), world.bob_token), 403, FORBIDDEN)

    def test_an_admin_may_list_any_channel(
        self, client: Client, world: World, admin_token: str
    ) -> None:
        response = call(client, "get", self.url(world.priv.id), admin_token)
        assert [m["user_id"] for m in response.json()] == [world.alice.id]

    def test_bad_id_and_no_session(self, client: Client, world: World) -> None:
        assert_error(call(client, "get", self.url("nope"), world.bob_token), 400, BAD_URL)
        assert_error(call(client, "get", self.url(world.pub.id)), 401, EXPIRED)

    def test_an_unknown_channel_looks_forbidden(self, client: Client, world: World) -> None:
        # As in Mattermost: without the channel there is no read_channel to hold.
        assert_error(call(client, "get", self.url(new_id()), world.bob_token), 403, FORBIDDEN)

    def test_query_budget_does_not_grow_with_members(
        self, client: Client, world: World, django_assert_max_num_queries: Any
    ) -> None:
        url = self.url(world.pub.id) + "?per_page=200"
        call(client, "get", url, world.bob_token)  # warm the session cache
        with django_assert_max_num_queries(3) as few:
            assert len(call(client, "get", url, world.bob_token).json()) == 2
        for n in range(30):
            world.pub.members.create(user=make_user(f"member{n}"))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(call(client, "get", url, world.bob_token).json()) == 32


class TestGetChannelMembersByIds:
    def url(self, channel_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/ids"

    def test_returns_the_members_among_the_ids(self, client: Client, world: World) -> None:
        body = [world.bob.id, world.carol.id, new_id()]
        response = call(client, "post", self.url(world.pub.id), world.bob_token, body)
        assert response.status_code == 200
        assert [m["user_id"] for m in response.json()] == [world.bob.id]

    @pytest.mark.parametrize("body", [[], {"user_ids": []}, "text", [5]])
    def test_the_body_is_a_list_of_ids(self, client: Client, world: World, body: Any) -> None:
        response = call(client, "post", self.url(world.pub.id), world.bob_token, body)
        assert_error(response, 400, BAD_BODY)

    def test_errors(self, client: Client, world: World) -> None:
        body = [world.alice.id]
        assert_error(call(client, "post", self.url("bad"), world.bob_token, body), 400, BAD_URL)
        assert_error(call(client, "post", self.url(world.pub.id), None, body), 401, EXPIRED)
        response = call(client, "post", self.url(world.priv.id), world.bob_token, body)
        assert_error(response, 403, FORBIDDEN)


class TestGetChannelMember:
    def url(self, channel_id: str, user_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/{user_id}"

    def test_me(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url(world.pub.id, "me"), world.bob_token)
        assert response.status_code == 200
        assert response.json()["user_id"] == world.bob.id
        assert list(response.json()) == MEMBER_KEYS

    def test_another_member(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url(world.pub.id, world.alice.id), world.bob_token)
        assert response.json()["scheme_admin"] is True

    def test_not_a_member(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url(world.pub.id, world.carol.id), world.bob_token)
        assert_error(response, 404, NO_MEMBER)

    def test_private_channels_stay_private(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url(world.priv.id, world.alice.id), world.bob_token)
        assert_error(response, 403, FORBIDDEN)

    def test_bad_ids_and_no_session(self, client: Client, world: World) -> None:
        response = call(client, "get", self.url("bad", "me"), world.bob_token)
        assert_error(response, 400, BAD_URL)
        response = call(client, "get", self.url(world.pub.id, "bad"), world.bob_token)
        assert_error(response, 400, BAD_URL)
        assert_error(call(client, "get", self.url(world.pub.id, "me")), 401, EXPIRED)


class TestAddChannelMember:
    def url(self, channel_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members"

    def test_joining_a_public_channel(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        channel = make_channel(world.team, "open", admins=(world.alice,))
        with django_capture_on_commit_callbacks(execute=True):
            response = call(
                client, "post", self.url(channel.id), world.bob_token, {"user_id": world.bob.id}
            )
        assert response.status_code == 201
        assert list(response.json()) == MEMBER_KEYS
        assert response.json()["user_id"] == world.bob.id
        assert response.json()["roles"] == "channel_user"
        assert is_member(channel, world.bob)
        assert [(e.data, e.broadcast.channel_id) for e in events(published, "user_added")] == [
            ({"user_id": world.bob.id, "team_id": world.team.id}, channel.id)
        ]

    def test_joining_again_returns_the_membership(self, client: Client, world: World) -> None:
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(world.pub.id), world.bob_token, body)
        assert response.status_code == 201
        assert (
            response.json()
            == call(client, "get", f"{self.url(world.pub.id)}/me", world.bob_token).json()
        )

    def test_a_member_adds_a_teammate(self, client: Client, world: World) -> None:
        carol = world.carol
        team_member_add(team=world.team, user=carol)
        response = call(
            client, "post", self.url(world.pub.id), world.bob_token, {"user_id": carol.id}
        )
        assert response.status_code == 201
        assert is_member(world.pub, carol)

    def test_a_non_member_may_not_add_others_to_a_public_channel(
        self, client: Client, world: World
    ) -> None:
        channel = make_channel(world.team, "open", admins=(world.alice,))
        body = {"user_id": world.alice.id}
        response = call(client, "post", self.url(channel.id), world.bob_token, body)
        assert_error(response, 403, FORBIDDEN)

    def test_outside_the_team_nobody_may_join(self, client: Client, world: World) -> None:
        body = {"user_id": world.carol.id}
        response = call(client, "post", self.url(world.pub.id), world.carol_token, body)
        assert_error(response, 403, FORBIDDEN)
        assert not is_member(world.pub, world.carol)

    def test_private_channels_need_manage_private_channel_members(
        self, client: Client, world: World
    ) -> None:
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(world.priv.id), world.bob_token, body)
        assert_error(response, 403, FORBIDDEN)
        response = call(client, "post", self.url(world.priv.id), world.alice_token, body)
        assert response.status_code == 201
        assert is_member(world.priv, world.bob)

    def test_the_added_user_must_belong_to_the_team(self, client: Client, world: World) -> None:
        body = {"user_id": world.carol.id}
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert_error(response, 404, "app.team.get_member.missing.app_error")

    def test_a_user_who_left_the_team_cannot_be_added(self, client: Client, world: World) -> None:
        channel = make_channel(world.team, "open", admins=(world.alice,))
        team_member_remove(team=world.team, user=world.bob)
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(channel.id), world.alice_token, body)
        assert_error(response, 400, "api.channel.add_user.to.channel.failed.deleted.app_error")

    def test_a_deactivated_user_cannot_be_added(self, client: Client, world: World) -> None:
        channel = make_channel(world.team, "open", admins=(world.alice,))
        user_set_active(user=world.bob, active=False)
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(channel.id), world.alice_token, body)
        assert_error(response, 403, "app.channel.add_member.deleted_user.app_error")

    def test_an_unknown_user(self, client: Client, world: World) -> None:
        body = {"user_id": new_id()}
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert_error(response, 404, NO_USER)

    def test_several_users_at_once(self, client: Client, world: World) -> None:
        dave = make_user("dave")
        team_member_add(team=world.team, user=dave)
        channel = make_channel(world.team, "open", admins=(world.alice,))
        body = {"user_ids": [world.bob.id, dave.id, world.carol.id]}
        response = call(client, "post", self.url(channel.id), world.alice_token, body)
        assert response.status_code == 201
        # Carol is outside the team: skipped, since the others could be added.
        assert [m["user_id"] for m in response.json()] == [world.bob.id, dave.id]
        assert not is_member(channel, world.carol)

    def test_a_list_of_one_is_answered_with_a_list(self, client: Client, world: World) -> None:
        body = {"user_ids": [world.bob.id]}
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert response.status_code == 201
        assert [m["user_id"] for m in response.json()] == [world.bob.id]

    def test_when_nobody_can_be_added_the_reason_is_the_answer(
        self, client: Client, world: World
    ) -> None:
        body = {"user_ids": [world.carol.id, new_id()]}
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert_error(response, 404, NO_USER)

    def test_not_into_direct_channels(self, client: Client, world: World) -> None:
        direct = make_channel(
            None,
            f"{world.alice.id}__{world.bob.id}",
            type=CHANNEL_DIRECT,
            members=(world.alice, world.bob),
        )
        body = {"user_id": world.carol.id}
        response = call(client, "post", self.url(direct.id), world.alice_token, body)
        assert_error(response, 400, "api.channel.add_user_to_channel.type.app_error")

    def test_not_into_archived_channels(self, client: Client, world: World) -> None:
        Channel.objects.filter(pk=world.pub.pk).update(delete_at=1)
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert_error(response, 400, "api.channel.add_user_to_channel.deleted.app_error")

    def test_group_constrained_channels_admit_nobody_directly(
        self, client: Client, world: World
    ) -> None:
        channel = make_channel(world.team, "synced", admins=(world.alice,))
        Channel.objects.filter(pk=channel.pk).update(group_constrained=True)
        body = {"user_id": world.bob.id}
        response = call(client, "post", self.url(channel.id), world.alice_token, body)
        assert_error(response, 400, "api.channel.add_members.user_denied")

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"user_id": "short"},
            {"user_id": 5},
            {"user_ids": []},
            {"user_ids": ["short"]},
            {"user_ids": "x"},
            {"user_id": new_id(), "post_root_id": "bad"},
            ["x"],
        ],
    )
    def test_bad_bodies(self, client: Client, world: World, body: Any) -> None:
        response = call(client, "post", self.url(world.pub.id), world.alice_token, body)
        assert_error(response, 400, BAD_BODY)

    def test_errors(self, client: Client, world: World) -> None:
        body = {"user_id": world.bob.id}
        assert_error(call(client, "post", self.url("bad"), world.alice_token, body), 400, BAD_URL)
        assert_error(call(client, "post", self.url(world.pub.id), None, body), 401, EXPIRED)
        response = call(client, "post", self.url(new_id()), world.alice_token, body)
        assert_error(response, 404, NO_CHANNEL)


class TestRemoveChannelMember:
    def url(self, channel_id: str, user_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/{user_id}"

    def test_leaving(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", self.url(world.pub.id, "me"), world.bob_token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert not is_member(world.pub, world.bob)
        removed = [(e.data, e.broadcast) for e in events(published, "user_removed")]
        assert [(data, b.channel_id, b.user_id) for data, b in removed] == [
            ({"user_id": world.bob.id, "remover_id": world.bob.id}, world.pub.id, ""),
            ({"channel_id": world.pub.id, "remover_id": world.bob.id}, "", world.bob.id),
        ]

    def test_a_member_removes_another(self, client: Client, world: World) -> None:
        response = call(client, "delete", self.url(world.pub.id, world.alice.id), world.bob_token)
        assert response.status_code == 200
        assert not is_member(world.pub, world.alice)

    def test_removing_others_needs_manage_members(self, client: Client, world: World) -> None:
        channel = make_channel(world.team, "open", admins=(world.alice,))
        response = call(client, "delete", self.url(channel.id, world.alice.id), world.bob_token)
        assert_error(response, 403, FORBIDDEN)
        response = call(client, "delete", self.url(world.priv.id, world.alice.id), world.bob_token)
        assert_error(response, 403, FORBIDDEN)
        assert is_member(world.priv, world.alice)

    def test_town_square_cannot_be_left(self, client: Client, world: World) -> None:
        response = call(client, "delete", self.url(world.town.id, "me"), world.bob_token)
        assert_error(response, 400, "api.channel.remove.default.app_error")
        assert is_member(world.town, world.bob)

    def test_a_guest_may_leave_town_square(self, client: Client, world: World) -> None:
        guest = make_user("gus", roles="system_guest")
        team_member_add(team=world.team, user=guest)
        token = session_create(user=guest)[1]
        response = call(client, "delete", self.url(world.town.id, "me"), token)
        assert response.status_code == 200
        assert not is_member(world.town, guest)

    def test_not_a_member(self, client: Client, world: World) -> None:
        response = call(client, "delete", self.url(world.pub.id, world.carol.id), world.alice_token)
        assert_error(response, 404, NO_MEMBER)

    def test_not_from_direct_channels(self, client: Client, world: World) -> None:
        direct = make_channel(None, "dm", type=CHANNEL_DIRECT, members=(world.alice, world.bob))
        response = call(client, "delete", self.url(direct.id, "me"), world.bob_token)
        assert_error(response, 400, "api.channel.remove_channel_member.type.app_error")

    def test_errors(self, client: Client, world: World) -> None:
        assert_error(call(client, "delete", self.url("bad", "me"), world.bob_token), 400, BAD_URL)
        response = call(client, "delete", self.url(world.pub.id, "bad"), world.bob_token)
        assert_error(response, 400, BAD_URL)
        assert_error(call(client, "delete", self.url(world.pub.id, "me")), 401, EXPIRED)
        response = call(client, "delete", self.url(new_id(), "me"), world.bob_token)
        assert_error(response, 404, NO_CHANNEL)
        response = call(client, "delete", self.url(world.pub.id, new_id()), world.bob_token)
        assert_error(response, 404, NO_USER)


class TestMemberRoles:
    def url(self, channel_id: str, user_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/{user_id}/roles"

    def test_a_channel_admin_promotes_a_member(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {"roles": "channel_user channel_admin"}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(
                client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body
            )
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        stored = member(world.pub, world.bob)
        assert (stored.scheme_user, stored.scheme_admin, stored.explicit_roles) == (True, True, "")
        (updated,) = events(published, "channel_member_updated")
        assert updated.broadcast.user_id == world.bob.id
        assert json.loads(updated.data["channelMember"])["roles"] == "channel_user channel_admin"

    def test_explicit_roles_are_kept_apart(self, client: Client, world: World) -> None:
        body = {"roles": "system_post_all channel_user"}
        call(client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body)
        stored = member(world.pub, world.bob)
        assert stored.explicit_roles == "system_post_all"
        assert stored.roles == "system_post_all channel_user"

    def test_needs_manage_channel_roles(self, client: Client, world: World) -> None:
        body = {"roles": "channel_user channel_admin"}
        response = call(client, "put", self.url(world.pub.id, world.bob.id), world.bob_token, body)
        assert_error(response, 403, FORBIDDEN)
        assert member(world.pub, world.bob).scheme_admin is False

    @pytest.mark.parametrize(
        ("roles", "error_id"),
        [
            (
                "team_admin channel_user",
                "api.channel.update_channel_member_roles.scheme_role.app_error",
            ),
            ("channel_user made_up", "app.role.get_by_name.app_error"),
            (
                "channel_guest channel_user",
                "api.channel.update_channel_member_roles.guest_and_user.app_error",
            ),
            (
                "channel_guest",
                "api.channel.update_channel_member_roles.changing_guest_role.app_error",
            ),
            (
                "channel_admin",
                "api.channel.update_channel_member_roles.unset_user_scheme.app_error",
            ),
            ("Channel User", BAD_BODY),
        ],
    )
    def test_refused_roles(self, client: Client, world: World, roles: str, error_id: str) -> None:
        response = call(
            client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, {"roles": roles}
        )
        assert_error(response, 400, error_id)

    def test_errors(self, client: Client, world: World) -> None:
        body = {"roles": "channel_user"}
        assert_error(
            call(client, "put", self.url("bad", "me"), world.alice_token, body), 400, BAD_URL
        )
        response = call(
            client, "put", self.url(world.pub.id, "me"), world.alice_token, {"roles": 5}
        )
        assert_error(response, 400, BAD_BODY)
        assert_error(call(client, "put", self.url(world.pub.id, "me"), None, body), 401, EXPIRED)
        response = call(
            client, "put", self.url(world.pub.id, world.carol.id), world.alice_token, body
        )
        assert_error(response, 404, NO_MEMBER)


class TestMemberSchemeRoles:
    def url(self, channel_id: str, user_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/{user_id}/schemeRoles"

    def test_sets_the_flags(self, client: Client, world: World) -> None:
        body = {"scheme_admin": True, "scheme_user": True}
        response = call(
            client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body
        )
        assert response.json() == {"status": "OK"}
        assert member(world.pub, world.bob).roles == "channel_user channel_admin"

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            (
                {"scheme_user": True, "scheme_guest": True},
                "api.channel.update_channel_member_roles.user_and_guest.app_error",
            ),
            (
                {"scheme_admin": True},
                "api.channel.update_channel_member_roles.unset_user_scheme.app_error",
            ),
            ({"scheme_user": "yes"}, BAD_BODY),
            ([True], BAD_BODY),
        ],
    )
    def test_refused(self, client: Client, world: World, body: Any, error_id: str) -> None:
        response = call(
            client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body
        )
        assert_error(response, 400, error_id)

    def test_a_guest_keeps_their_roles(self, client: Client, world: World) -> None:
        world.pub.members.filter(user=world.bob).update(scheme_guest=True, scheme_user=False)
        body = {"scheme_user": True}
        response = call(
            client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body
        )
        assert_error(response, 400, "api.channel.update_channel_member_roles.guest.app_error")

    def test_errors(self, client: Client, world: World) -> None:
        body = {"scheme_user": True, "scheme_admin": True}
        response = call(client, "put", self.url(world.pub.id, world.bob.id), world.bob_token, body)
        assert_error(response, 403, FORBIDDEN)
        response = call(
            client, "put", self.url(world.pub.id, world.carol.id), world.alice_token, body
        )
        assert_error(response, 404, NO_MEMBER)
        assert_error(
            call(client, "put", self.url("bad", "me"), world.alice_token, body), 400, BAD_URL
        )
        assert_error(call(client, "put", self.url(world.pub.id, "me"), None, body), 401, EXPIRED)


class TestNotifyProps:
    def url(self, channel_id: str, user_id: str) -> str:
        return f"/api/v4/channels/{channel_id}/members/{user_id}/notify_props"

    def test_merges_into_the_existing_props(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {"mark_unread": "mention", "desktop": "all", "made_up": "x"}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", self.url(world.pub.id, "me"), world.bob_token, body)
        assert response.json() == {"status": "OK"}
        assert member(world.pub, world.bob).notify_props == {
            "desktop": "all",
            "mark_unread": "mention",
            "push": "default",
            "email": "default",
            "ignore_channel_mentions": "default",
            "channel_auto_follow_threads": "off",
        }
        (updated,) = events(published, "channel_member_updated")
        assert updated.broadcast.user_id == world.bob.id
        assert json.loads(updated.data["channelMember"])["notify_props"]["desktop"] == "all"

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ({"mark_unread": "never"}, "model.channel_member.is_valid.unread_level.app_error"),
            ({"desktop": "loud"}, "model.channel_member.is_valid.notify_level.app_error"),
            ({"email": "yes"}, "model.channel_member.is_valid.email_value.app_error"),
            ({"desktop": 1}, BAD_BODY),
            (["desktop"], BAD_BODY),
        ],
    )
    def test_refused(self, client: Client, world: World, body: Any, error_id: str) -> None:
        response = call(client, "put", self.url(world.pub.id, "me"), world.bob_token, body)
        assert_error(response, 400, error_id)
        assert member(world.pub, world.bob).notify_props["desktop"] == "default"

    def test_others_need_edit_other_users(
        self, client: Client, world: World, admin_token: str
    ) -> None:
        body = {"desktop": "none"}
        response = call(
            client, "put", self.url(world.pub.id, world.bob.id), world.alice_token, body
        )
        assert_error(response, 403, FORBIDDEN)
        response = call(client, "put", self.url(world.pub.id, world.bob.id), admin_token, body)
        assert response.status_code == 200
        assert member(world.pub, world.bob).notify_props["desktop"] == "none"

    def test_errors(self, client: Client, world: World) -> None:
        body = {"desktop": "none"}
        response = call(client, "put", self.url(world.priv.id, "me"), world.bob_token, body)
        assert_error(response, 404, NO_MEMBER)
        assert_error(
            call(client, "put", self.url("bad", "me"), world.bob_token, body), 400, BAD_URL
        )
        assert_error(call(client, "put", self.url(world.pub.id, "me"), None, body), 401, EXPIRED)


class TestViewChannel:
    def url(self, user_id: str = "me") -> str:
        return f"/api/v4/channels/members/{user_id}/view"

    @pytest.fixture
    def busy(self, world: World) -> Channel:
        """``pub`` with three posts Bob has not seen, two of them mentioning him."""
        for at in (5_000_000_000_000, 5_000_000_000_100, 5_000_000_000_200):
            channel_record_post(
                channel_id=world.pub.id, create_at=at, is_root=at != 5_000_000_000_100
            )
        world.pub.members.filter(user=world.bob).update(
            mention_count=2, mention_count_root=1, urgent_mention_count=1
        )
        return world.pub

    def test_viewing_marks_the_channel_read(
        self,
        client: Client,
        world: World,
        busy: Channel,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        unread = call(client, "get", "/api/v4/users/me/teams/unread", world.bob_token).json()
        assert unread[0]["msg_count"] == 3
        body = {"channel_id": busy.id, "prev_channel_id": "", "collapsed_threads_supported": True}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", self.url(), world.bob_token, body)
        assert response.status_code == 200
        assert response.json() == {
            "status": "OK",
            "last_viewed_at_times": {busy.id: 5_000_000_000_200},
        }
        seen = member(busy, world.bob)
        assert (seen.msg_count, seen.msg_count_root) == (3, 2)
        assert (seen.mention_count, seen.mention_count_root, seen.urgent_mention_count) == (0, 0, 0)
        assert seen.last_viewed_at == 5_000_000_000_200
        (viewed,) = events(published, "multiple_channels_viewed")
        assert viewed.data == {"channel_times": {busy.id: 5_000_000_000_200}}
        assert viewed.broadcast.user_id == world.bob.id
        (team_unread,) = call(
            client, "get", "/api/v4/users/me/teams/unread", world.bob_token
        ).json()
        assert (team_unread["msg_count"], team_unread["mention_count"]) == (0, 0)

    def test_the_channel_left_is_marked_read_too(
        self, client: Client, world: World, busy: Channel
    ) -> None:
        body = {"channel_id": world.town.id, "prev_channel_id": busy.id}
        response = call(client, "post", self.url(), world.bob_token, body)
        times = response.json()["last_viewed_at_times"]
        assert set(times) == {world.town.id, busy.id}
        assert member(busy, world.bob).msg_count == 3

    def test_nothing_unread_changes_nothing(
        self,
        client: Client,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        before = member(world.pub, world.bob)
        with django_capture_on_commit_callbacks(execute=True):
            response = call(
                client, "post", self.url(), world.bob_token, {"channel_id": world.pub.id}
            )
        assert response.json()["last_viewed_at_times"] == {world.pub.id: before.last_viewed_at}
        assert member(world.pub, world.bob).last_update_at == before.last_update_at
        assert events(published, "multiple_channels_viewed") == []

    def test_channels_one_is_not_in_are_left_out(self, client: Client, world: World) -> None:
        body = {"channel_id": world.priv.id}
        response = call(client, "post", self.url(), world.bob_token, body)
        assert response.json() == {"status": "OK", "last_viewed_at_times": {}}

    def test_the_event_can_be_switched_off(
        self,
        client: Client,
        world: World,
        busy: Channel,
        published: list[Event],
        mm_config: Callable[..., None],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        mm_config(enable_channel_viewed_messages=False)
        with django_capture_on_commit_callbacks(execute=True):
            call(client, "post", self.url(), world.bob_token, {"channel_id": busy.id})
        assert member(busy, world.bob).msg_count == 3
        assert events(published, "multiple_channels_viewed") == []

    def test_for_someone_else_needs_edit_other_users(
        self, client: Client, world: World, busy: Channel, admin_token: str
    ) -> None:
        body = {"channel_id": busy.id}
        response = call(client, "post", self.url(world.bob.id), world.alice_token, body)
        assert_error(response, 403, FORBIDDEN)
        response = call(client, "post", self.url(world.bob.id), admin_token, body)
        assert busy.id in response.json()["last_viewed_at_times"]
        assert member(busy, world.bob).msg_count == 3

    @pytest.mark.parametrize(
        "body",
        [
            {"channel_id": "short"},
            {"channel_id": "", "prev_channel_id": "short"},
            {"channel_id": 5},
            {"collapsed_threads_supported": "yes"},
            ["x"],
        ],
    )
    def test_bad_bodies(self, client: Client, world: World, body: Any) -> None:
        assert_error(call(client, "post", self.url(), world.bob_token, body), 400, BAD_BODY)

    def test_errors(self, client: Client, world: World) -> None:
        body = {"channel_id": world.pub.id}
        assert_error(call(client, "post", self.url("bad"), world.bob_token, body), 400, BAD_URL)
        assert_error(call(client, "post", self.url(), None, body), 401, EXPIRED)


def test_private_channels_are_invisible_to_outsiders(client: Client, world: World) -> None:
    """Nothing about a private channel's members leaks to a teammate who is not in it."""
    private = make_channel(world.team, "secret", type=CHANNEL_PRIVATE, admins=(world.alice,))
    urls = [
        f"/api/v4/channels/{private.id}/members",
        f"/api/v4/channels/{private.id}/members/{world.alice.id}",
        f"/api/v4/users/me/channels/{private.id}/unread",
    ]
    for url in urls:
        assert_error(call(client, "get", url, world.bob_token), 403, FORBIDDEN)
    listed = call(
        client, "get", f"/api/v4/users/me/teams/{world.team.id}/channels", world.bob_token
    )
    assert private.id not in {c["id"] for c in listed.json()}


def test_members_of_another_team_are_not_added_through_this_one(
    client: Client, world: World, admin: User
) -> None:
    other = team_create(creator=admin, display_name="Beta", name="beta", type="O")
    channel = make_channel(other, "elsewhere", admins=(admin,))
    token = session_create(user=admin)[1]
    response = call(
        client, "post", f"/api/v4/channels/{channel.id}/members", token, {"user_id": world.bob.id}
    )
    assert_error(response, 404, "app.team.get_member.missing.app_error")
