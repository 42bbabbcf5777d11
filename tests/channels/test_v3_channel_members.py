"""API v3 channel membership: join, leave, add, remove, read memberships, member roles,
notification preferences and marking channels viewed."""

from __future__ import annotations

from typing import Any

import pytest

from apps.channels.models import Channel, ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_member_add,
    direct_channel_get_or_create,
)
from apps.posts.models import Post
from apps.posts.services import post_create
from tests.channels.v3_setup import (
    CHANNEL_KEYS,
    FORBIDDEN,
    INVALID_PARAM,
    MEMBER_KEYS,
    MISSING_CHANNEL,
    MISSING_MEMBER,
    NO_SESSION,
    UNKNOWN_ID,
    V3World,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db
NOT_JOINABLE = "api.channel.join_channel.permissions.app_error"


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def is_member(channel: Channel, username: str) -> bool:
    return ChannelMember.objects.filter(channel=channel, user__username=username).exists()


def notices(channel: Channel) -> list[str]:
    return list(
        Post.objects.filter(channel=channel).order_by("create_at").values_list("type", flat=True)
    )


class TestJoin:
    def test_join_by_id_answers_the_channel(self, v3: V3World) -> None:
        channel = ok(v3.api("bob").post(f"{v3.of(v3.off_topic)}/join"))
        assert list(channel) == CHANNEL_KEYS
        assert channel["id"] == v3.off_topic.id
        assert is_member(v3.off_topic, "bob")

    def test_join_by_name(self, v3: V3World) -> None:
        ChannelMember.objects.filter(channel=v3.off_topic, user=v3.bob).delete()
        channel = ok(v3.api("bob").post(f"{v3.channels}/name/off-topic/join"))
        assert channel["name"] == "off-topic"
        assert notices(v3.off_topic) == ["system_join_channel"]

    def test_joining_again_changes_nothing(self, v3: V3World) -> None:
        ok(v3.api("bob").post(f"{v3.of(v3.dev)}/join"))
        assert notices(v3.dev) == []

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.post(f"{v3.of(v3.secret)}/join"), 400, NOT_JOINABLE)
        assert_error(api.post(f"{v3.channels}/{UNKNOWN_ID}/join"), 404, MISSING_CHANNEL)
        assert_error(
            api.post(f"{v3.channels}/name/nothing/join"),
            404,
            "app.channel.get_by_name.missing.app_error",
        )
        extra = Channel.objects.create(team=v3.team, type="O", name="old", display_name="Old")
        channel_archive(channel=extra)
        assert_error(
            api.post(f"{v3.of(extra)}/join"),
            400,
            "api.channel.join_user_to_channel.deleted.app_error",
        )
        assert_error(v3.api(None).post(f"{v3.of(v3.dev)}/join"), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.of(v3.dev)}/join"), 403, FORBIDDEN)

    def test_guests_may_not_join_public_channels(self, v3: V3World) -> None:
        guest = v3.guest_in(v3.square)
        assert_error(guest.post(f"{v3.of(v3.dev)}/join"), 403, FORBIDDEN)


class TestLeave:
    def test_leave_answers_the_id_and_announces_it(self, v3: V3World) -> None:
        assert ok(v3.api("bob").post(f"{v3.of(v3.dev)}/leave")) == {"id": v3.dev.id}
        assert not is_member(v3.dev, "bob")
        assert notices(v3.dev) == ["system_leave_channel"]

    def test_nobody_leaves_town_square(self, v3: V3World) -> None:
        response = v3.api("bob").post(f"{v3.of(v3.square)}/leave")
        assert_error(response, 400, "api.channel.remove.default.app_error")

    def test_nobody_leaves_a_direct_channel(self, v3: V3World) -> None:
        dm = direct_channel_get_or_create(user=v3.bob, other_user=v3.alice).channel
        response = v3.api("bob").post(f"{v3.of(dm)}/leave")
        assert_error(response, 400, "api.channel.leave.direct.app_error")

    def test_the_last_member_of_a_private_channel_stays(self, v3: V3World) -> None:
        response = v3.api("alice").post(f"{v3.of(v3.secret)}/leave")
        assert_error(response, 400, "api.channel.leave.last_member.app_error")
        channel_member_add(channel=v3.secret, user=v3.bob)
        assert ok(v3.api("alice").post(f"{v3.of(v3.secret)}/leave")) == {"id": v3.secret.id}

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.post(f"{v3.channels}/{UNKNOWN_ID}/leave"), 404, MISSING_CHANNEL)
        ChannelMember.objects.filter(channel=v3.dev, user=v3.bob).delete()
        assert_error(api.post(f"{v3.of(v3.dev)}/leave"), 404, MISSING_MEMBER)
        assert_error(v3.api(None).post(f"{v3.of(v3.dev)}/leave"), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.of(v3.dev)}/leave"), 403, FORBIDDEN)


class TestAddAndRemove:
    def test_add_answers_the_new_membership(self, v3: V3World) -> None:
        member = ok(v3.api("alice").post(f"{v3.of(v3.secret)}/add", {"user_id": v3.bob.id}))
        assert list(member) == MEMBER_KEYS
        assert (member["user_id"], member["roles"]) == (v3.bob.id, "channel_user")
        assert notices(v3.secret) == ["system_add_to_channel"]

    def test_add_errors(self, v3: V3World) -> None:
        api = v3.api("alice")
        path = f"{v3.of(v3.dev)}/add"
        assert_error(api.post(path, {}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"user_id": 1}), 400, INVALID_PARAM)
        assert_error(
            api.post(path, {"user_id": UNKNOWN_ID}),
            400,
            "api.channel.add_member.find_user.app_error",
        )
        assert_error(
            api.post(path, {"user_id": v3.carol.id}), 404, "app.team.get_member.missing.app_error"
        )
        assert_error(
            api.post(f"{v3.channels}/{UNKNOWN_ID}/add", {"user_id": v3.bob.id}),
            404,
            MISSING_CHANNEL,
        )
        # Bob is not in secret, so he may not add people to it.
        assert_error(
            v3.api("bob").post(f"{v3.of(v3.secret)}/add", {"user_id": v3.bob.id}), 403, FORBIDDEN
        )
        dm = direct_channel_get_or_create(user=v3.alice, other_user=v3.bob).channel
        assert_error(
            api.post(f"{v3.of(dm)}/add", {"user_id": v3.carol.id}),
            400,
            "api.channel.add_user_to_channel.type.app_error",
        )
        assert_error(v3.api(None).post(path, {"user_id": v3.bob.id}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"user_id": v3.bob.id}), 403, FORBIDDEN)

    def test_remove_answers_both_ids(self, v3: V3World) -> None:
        response = v3.api("alice").post(f"{v3.of(v3.dev)}/remove", {"user_id": v3.bob.id})
        assert ok(response) == {"channel_id": v3.dev.id, "removed_user_id": v3.bob.id}
        assert not is_member(v3.dev, "bob")
        assert notices(v3.dev) == ["system_remove_from_channel"]

    def test_remove_errors(self, v3: V3World) -> None:
        api = v3.api("alice")
        path = f"{v3.of(v3.dev)}/remove"
        assert_error(api.post(path, {"user_id": "x"}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"user_id": UNKNOWN_ID}), 404, "app.user.missing_account.const")
        assert_error(api.post(path, {"user_id": v3.carol.id}), 404, MISSING_MEMBER)
        assert_error(
            api.post(f"{v3.of(v3.square)}/remove", {"user_id": v3.bob.id}),
            400,
            "api.channel.remove.default.app_error",
        )
        guest = v3.guest_in(v3.dev)
        assert_error(guest.post(path, {"user_id": v3.bob.id}), 403, FORBIDDEN)
        assert_error(v3.api(None).post(path, {"user_id": v3.bob.id}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"user_id": v3.bob.id}), 403, FORBIDDEN)


class TestMemberships:
    def test_one_membership(self, v3: V3World) -> None:
        member = ok(v3.api("bob").get(f"{v3.of(v3.dev)}/members/{v3.alice.id}"))
        assert list(member) == MEMBER_KEYS
        assert member["roles"] == "channel_user channel_admin"

    def test_one_membership_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.of(v3.dev)}/members/{v3.carol.id}"), 404, MISSING_MEMBER)
        assert_error(api.get(f"{v3.of(v3.secret)}/members/{v3.alice.id}"), 403, FORBIDDEN)
        assert_error(api.get(f"{v3.of(v3.dev)}/members/short"), 400, INVALID_PARAM)
        assert_error(v3.api(None).get(f"{v3.of(v3.dev)}/members/{v3.bob.id}"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.of(v3.dev)}/members/{v3.bob.id}"), 403, FORBIDDEN)

    def test_memberships_by_ids(self, v3: V3World) -> None:
        ids = [v3.alice.id, v3.carol.id, v3.bob.id]
        members = ok(v3.api("bob").post(f"{v3.of(v3.dev)}/members/ids", ids))
        assert sorted(m["user_id"] for m in members) == sorted([v3.alice.id, v3.bob.id])

    def test_memberships_by_ids_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        path = f"{v3.of(v3.dev)}/members/ids"
        for body in ([], {"ids": []}, [1]):
            assert_error(api.post(path, body), 400, INVALID_PARAM)
        assert_error(api.post(f"{v3.of(v3.secret)}/members/ids", [v3.bob.id]), 403, FORBIDDEN)
        assert_error(v3.api(None).post(path, [v3.bob.id]), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, [v3.bob.id]), 403, FORBIDDEN)


class TestRolesAndNotifyProps:
    def test_update_member_roles_answers_lower_case_ok(self, v3: V3World) -> None:
        path = f"{v3.of(v3.dev)}/update_member_roles"
        body = {"user_id": v3.bob.id, "new_roles": "channel_user channel_admin"}
        assert ok(v3.api("alice").post(path, body)) == {"status": "ok"}
        assert ChannelMember.objects.get(channel=v3.dev, user=v3.bob).scheme_admin

    def test_update_member_roles_errors(self, v3: V3World) -> None:
        api = v3.api("alice")
        path = f"{v3.of(v3.dev)}/update_member_roles"
        assert_error(api.post(path, {"new_roles": "channel_user"}), 400, INVALID_PARAM)
        bad = {"user_id": v3.bob.id, "new_roles": "Channel User!"}
        assert_error(api.post(path, bad), 400, INVALID_PARAM)
        missing = {"user_id": v3.carol.id, "new_roles": "channel_user"}
        assert_error(api.post(path, missing), 404, MISSING_MEMBER)
        body = {"user_id": v3.alice.id, "new_roles": "channel_user"}
        assert_error(v3.api("bob").post(path, body), 403, FORBIDDEN)
        assert_error(v3.api(None).post(path, body), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, body), 403, FORBIDDEN)

    def test_notify_props_answers_the_settings(self, v3: V3World) -> None:
        body = {
            "channel_id": v3.dev.id,
            "user_id": v3.bob.id,
            "mark_unread": "mention",
            "desktop": "all",
        }
        assert ok(v3.api("bob").post(f"{v3.channels}/update_notify_props", body)) == {
            "desktop": "all",
            "email": "default",
            "mark_unread": "mention",
            "push": "default",
        }

    def test_notify_props_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        path = f"{v3.channels}/update_notify_props"
        assert_error(api.post(path, {"channel_id": v3.dev.id}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"user_id": v3.bob.id}), 400, INVALID_PARAM)
        wrong = {"channel_id": v3.dev.id, "user_id": v3.bob.id, "desktop": "loud"}
        assert_error(
            api.post(path, wrong), 400, "model.channel_member.is_valid.notify_level.app_error"
        )
        other = {"channel_id": v3.dev.id, "user_id": v3.alice.id}
        assert_error(api.post(path, other), 403, FORBIDDEN)
        secret = {"channel_id": v3.secret.id, "user_id": v3.bob.id}
        assert_error(api.post(path, secret), 404, MISSING_MEMBER)
        mine = {"channel_id": v3.dev.id, "user_id": v3.bob.id}
        assert_error(v3.api(None).post(path, mine), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, mine), 403, FORBIDDEN)


class TestViewing:
    def test_view_marks_both_channels_read(self, v3: V3World) -> None:
        for channel in (v3.dev, v3.square):
            post_create(author=v3.alice, channel=channel, message="news")
        body = {"channel_id": v3.dev.id, "prev_channel_id": v3.square.id}
        assert ok(v3.api("bob").post(f"{v3.channels}/view", body)) == {"status": "OK"}
        for channel in (v3.dev, v3.square):
            member = ChannelMember.objects.get(channel=channel, user=v3.bob)
            assert member.msg_count == Channel.objects.get(pk=channel.pk).total_msg_count == 1

    def test_view_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert ok(api.post(f"{v3.channels}/view", {"channel_id": "", "prev_channel_id": ""}))
        for body in ({"channel_id": "nope"}, {"channel_id": 5}, ["x"]):
            assert_error(api.post(f"{v3.channels}/view", body), 400, INVALID_PARAM)
        assert_error(v3.api(None).post(f"{v3.channels}/view", {}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.channels}/view", {}), 403, FORBIDDEN)

    def test_classic_update_last_viewed_at(self, v3: V3World) -> None:
        post_create(author=v3.alice, channel=v3.dev, message="news")
        path = f"{v3.of(v3.dev)}/update_last_viewed_at"
        assert ok(v3.api("bob").post(path, {"active": True})) == {"id": v3.dev.id}
        assert ChannelMember.objects.get(channel=v3.dev, user=v3.bob).msg_count == 1
        assert_error(v3.api(None).post(path), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path), 403, FORBIDDEN)
        assert_error(
            v3.api("bob").post(f"{v3.channels}/short/update_last_viewed_at"), 400, INVALID_PARAM
        )
