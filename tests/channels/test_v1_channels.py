"""API v1 channels: the session team's lists, creating, reading, editing, archiving, and
membership (join, leave, add, remove, notification settings, read marks, extra info)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Preference, User
from apps.accounts.services import user_create
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import channel_create, channel_member_add, group_channel_get_or_create
from apps.posts.models import Post
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.v1_fixtures import V1Api, assert_v1_error

pytestmark = pytest.mark.django_db

NO_MEMBER = "You are not a member of this channel."


@pytest.fixture
def dev(alpha: Team, user: User) -> Channel:
    """An open channel of alpha; alice created it (and administers it)."""
    return channel_create(team=alpha, creator=user, name="dev", display_name="Dev", type="O")


@pytest.fixture
def other_team_channel(admin: User, user: User) -> Channel:
    """A channel of another team alice is also in."""
    team = team_create(creator=admin, display_name="Other", name="other", type="O")
    team_member_add(team=team, user=user)
    channel = channel_create(team=team, creator=admin, name="elsewhere", display_name="E", type="O")
    channel_member_add(channel=channel, user=user)
    return channel


def town_square(team: Team) -> Channel:
    return Channel.objects.get(team=team, name="town-square")


class TestLists:
    def test_my_channels_and_memberships(
        self,
        v1: V1Api,
        dev: Channel,
        alpha: Team,
        other_user: User,
        user: User,
        other_team_channel: Channel,
    ) -> None:
        group_channel_get_or_create(
            user_ids=[user.id, other_user.id, other_team_channel.creator_id]
        )
        response = v1.get("channels/")
        body = response.json()
        assert [c["name"] for c in body["channels"]] == ["dev", "off-topic", "town-square"]
        assert set(body["members"]) == {c["id"] for c in body["channels"]}
        assert body["members"][dev.id]["roles"] == "admin"
        assert v1.get("channels/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        v1.post(f"channels/{dev.id}/create", {"channel_id": dev.id, "message": "new"})
        assert v1.get("channels/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200

    def test_direct_channels_carry_the_session_team(
        self, v1: V1Api, alpha: Team, other_user: User
    ) -> None:
        direct = v1.post("channels/create_direct", {"user_id": other_user.id}).json()
        listed = [c for c in v1.get("channels/").json()["channels"] if c["type"] == "D"]
        assert listed == [direct]
        assert direct["team_id"] == alpha.id

    def test_more_lists_the_open_channels_not_joined(
        self, v1_bob: V1Api, dev: Channel, alpha: Team, user: User
    ) -> None:
        channel_create(team=alpha, creator=user, name="secret", display_name="S", type="P")
        response = v1_bob.get("channels/more")
        assert [c["name"] for c in response.json()["channels"]] == ["dev"]
        assert response.json()["members"] == {}
        assert v1_bob.get("channels/more", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_counts(self, v1: V1Api, dev: Channel) -> None:
        v1.post(f"channels/{dev.id}/create", {"channel_id": dev.id, "message": "one"})
        response = v1.get("channels/counts")
        body = response.json()
        assert body["counts"][dev.id] == 1
        assert body["update_times"][dev.id] == dev.update_at
        assert set(body["counts"]) == set(body["update_times"])
        assert v1.get("channels/counts", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    @pytest.mark.parametrize("path", ["channels/", "channels/more", "channels/counts"])
    def test_query_budget(
        self, v1: V1Api, alpha: Team, user: User, path: str, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        v1.get(path)
        with django_assert_max_num_queries(4) as few:
            v1.get(path)
        for n in range(5):
            channel_create(
                team=alpha,
                creator=user if n % 2 else None,
                name=f"c{n}",
                display_name=f"C{n}",
                type="O",
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert v1.get(path).status_code == 200

    @pytest.mark.parametrize("path", ["channels/", "channels/more", "channels/counts"])
    def test_need_a_session(self, v1_anon: V1Api, path: str) -> None:
        assert_v1_error(v1_anon.get(path), 401)


class TestCreate:
    def test_an_open_channel_of_the_session_team(self, v1: V1Api, alpha: Team, user: User) -> None:
        body = v1.post(
            "channels/create",
            {
                "name": "ops",
                "display_name": "Ops",
                "type": "P",
                "team_id": alpha.id,
                "purpose": "p",
            },
        ).json()
        assert (body["team_id"], body["type"], body["creator_id"], body["purpose"]) == (
            alpha.id,
            "P",
            user.id,
            "p",
        )
        assert ChannelMember.objects.get(channel_id=body["id"], user=user).scheme_admin

    def test_another_team_or_none_is_refused(self, v1: V1Api, other_team_channel: Channel) -> None:
        for team_id in ("", other_team_channel.team_id):
            body = {"name": "ops", "display_name": "Ops", "type": "O", "team_id": team_id}
            assert_v1_error(v1.post("channels/create", body), 403)

    def test_system_admins_may_name_any_team(
        self, client: Client, admin: User, alpha: Team, v1_login: Callable[[User, Team], str]
    ) -> None:
        team_member_add(team=alpha, user=admin)
        own = team_create(creator=admin, display_name="Own", name="own", type="O")
        as_admin = V1Api(client, v1_login(admin, alpha))
        body = as_admin.post(
            "channels/create",
            {"name": "ops", "display_name": "Ops", "type": "O", "team_id": own.id},
        ).json()
        assert body["team_id"] == own.id
        body = as_admin.post(
            "channels/create", {"name": "ops", "display_name": "Ops", "type": "O"}
        ).json()
        assert body["team_id"] == alpha.id

    @pytest.mark.parametrize(
        ("fields", "status"),
        [
            ({"type": "D"}, 400),
            ({"name": "Bad Name"}, 500),
            ({"display_name": ""}, 500),
            ({"name": "off-topic"}, 500),
        ],
    )
    def test_invalid_channels(
        self, v1: V1Api, alpha: Team, fields: dict[str, str], status: int
    ) -> None:
        body = {"name": "ops", "display_name": "Ops", "type": "O", "team_id": alpha.id, **fields}
        assert_v1_error(v1.post("channels/create", body), status)

    def test_a_direct_channel_once(self, v1: V1Api, other_user: User, user: User) -> None:
        first = v1.post("channels/create_direct", {"user_id": other_user.id}).json()
        assert (first["type"], first["name"]) == ("D", "__".join(sorted((user.id, other_user.id))))
        assert (
            v1.post("channels/create_direct", {"user_id": other_user.id}).json()["id"]
            == first["id"]
        )

    def test_a_direct_channel_needs_a_user(self, v1: V1Api) -> None:
        assert_v1_error(
            v1.post("channels/create_direct", {}),
            400,
            "The parameter 'user_id' is missing or not valid.",
        )
        assert_v1_error(v1.post("channels/create_direct", {"user_id": "z" * 26}), 500)

    def test_need_a_session(self, v1_anon: V1Api) -> None:
        assert_v1_error(v1_anon.post("channels/create", {}), 401)
        assert_v1_error(v1_anon.post("channels/create_direct", {}), 401)


class TestGet:
    def test_channel_and_membership(self, v1: V1Api, dev: Channel) -> None:
        response = v1.get(f"channels/{dev.id}/")
        body = response.json()
        assert (body["channel"]["id"], body["member"]["user_id"]) == (dev.id, dev.creator_id)
        assert response["Expires"] == "-1"
        assert v1.get(f"channels/{dev.id}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_not_a_member_or_another_team_is_a_1x_500(
        self, v1_bob: V1Api, v1: V1Api, dev: Channel, other_team_channel: Channel
    ) -> None:
        assert_v1_error(v1_bob.get(f"channels/{dev.id}/"), 500, NO_MEMBER)
        assert_v1_error(v1.get(f"channels/{other_team_channel.id}/"), 500, NO_MEMBER)
        assert_v1_error(v1.get(f"channels/{'z' * 26}/"), 500)
        assert_v1_error(
            v1.get("channels/short/"), 400, "The parameter 'channel_id' is missing or not valid."
        )


class TestEdit:
    def test_full_update_sets_header_and_purpose_to_what_is_sent(
        self, v1: V1Api, dev: Channel
    ) -> None:
        Channel.objects.filter(pk=dev.pk).update(header="h", purpose="p")
        body = v1.post(
            "channels/update", {"id": dev.id, "display_name": "Dev 2", "header": "new"}
        ).json()
        assert (body["display_name"], body["name"], body["header"], body["purpose"]) == (
            "Dev 2",
            "dev",
            "new",
            "",
        )
        assert not Post.objects.filter(channel=dev).exists()  # 1.x announced nothing

    def test_update_refusals(self, v1: V1Api, v1_bob: V1Api, dev: Channel, alpha: Team) -> None:
        assert_v1_error(v1.post("channels/update", {"id": dev.id, "type": "P"}), 400)
        assert_v1_error(v1_bob.post("channels/update", {"id": dev.id}), 500, NO_MEMBER)
        assert_v1_error(
            v1.post("channels/update", {"id": town_square(alpha).id, "name": "square"}),
            403,
            "The town-square channel cannot be renamed.",
        )

    def test_header_is_announced(self, v1: V1Api, dev: Channel) -> None:
        body = v1.post(
            "channels/update_header", {"channel_id": dev.id, "channel_header": "hdr"}
        ).json()
        assert body["header"] == "hdr"
        notice = Post.objects.get(channel=dev)
        assert (notice.type, notice.message.endswith("hdr")) == ("system_header_change", True)

    def test_purpose_is_not(self, v1: V1Api, dev: Channel) -> None:
        assert (
            v1.post(
                "channels/update_purpose", {"channel_id": dev.id, "channel_purpose": "p"}
            ).json()["purpose"]
            == "p"
        )
        assert not Post.objects.filter(channel=dev).exists()

    @pytest.mark.parametrize(
        ("path", "field"),
        [("update_header", "channel_header"), ("update_purpose", "channel_purpose")],
    )
    def test_text_parameters(
        self, v1: V1Api, v1_bob: V1Api, dev: Channel, path: str, field: str
    ) -> None:
        assert_v1_error(
            v1.post(f"channels/{path}", {field: "x"}),
            400,
            "The parameter 'channel_id' is missing or not valid.",
        )
        assert_v1_error(v1.post(f"channels/{path}", {"channel_id": dev.id, field: "x" * 1025}), 400)
        assert_v1_error(v1_bob.post(f"channels/{path}", {"channel_id": dev.id, field: "x"}), 500)

    def test_archive(self, v1: V1Api, v1_bob: V1Api, dev: Channel, alpha: Team) -> None:
        assert_v1_error(v1_bob.post(f"channels/{dev.id}/delete"), 500, NO_MEMBER)
        assert v1.post(f"channels/{dev.id}/delete").json() == {"id": dev.id}
        dev.refresh_from_db()
        assert dev.delete_at
        assert_v1_error(v1.post(f"channels/{dev.id}/delete"), 400)
        assert_v1_error(
            v1.post(f"channels/{town_square(alpha).id}/delete"),
            403,
            "The town-square channel cannot be archived or deleted.",
        )


class TestMembership:
    def test_join_and_leave(self, v1_bob: V1Api, dev: Channel, other_user: User) -> None:
        assert v1_bob.post(f"channels/{dev.id}/join").json() == {"id": dev.id}
        assert ChannelMember.objects.filter(channel=dev, user=other_user).exists()
        assert v1_bob.post(f"channels/{dev.id}/leave").json() == {"id": dev.id}
        assert not ChannelMember.objects.filter(channel=dev, user=other_user).exists()
        assert_v1_error(v1_bob.post(f"channels/{dev.id}/leave"), 500)

    def test_join_refusals(
        self, v1_bob: V1Api, alpha: Team, user: User, other_team_channel: Channel
    ) -> None:
        secret = channel_create(team=alpha, creator=user, name="secret", display_name="S", type="P")
        assert_v1_error(v1_bob.post(f"channels/{secret.id}/join"), 403)
        assert_v1_error(v1_bob.post(f"channels/{other_team_channel.id}/join"), 403)

    def test_leave_refusals(self, v1: V1Api, alpha: Team, other_user: User) -> None:
        assert_v1_error(
            v1.post(f"channels/{town_square(alpha).id}/leave"),
            403,
            "Nobody can leave or be removed from town-square.",
        )
        direct = v1.post("channels/create_direct", {"user_id": other_user.id}).json()
        assert_v1_error(
            v1.post(f"channels/{direct['id']}/leave"),
            403,
            "Nobody can be removed from a direct or group message.",
        )

    def test_add_and_remove(self, v1: V1Api, dev: Channel, other_user: User) -> None:
        member = v1.post(f"channels/{dev.id}/add", {"user_id": other_user.id}).json()
        assert (member["user_id"], member["roles"], member["notify_props"]) == (
            other_user.id,
            "",
            {"desktop": "default", "mark_unread": "all"},
        )
        removed = v1.post(f"channels/{dev.id}/remove", {"user_id": other_user.id}).json()
        assert removed == {"channel_id": dev.id, "removed_user_id": other_user.id}

    def test_add_refusals(
        self, v1: V1Api, v1_bob: V1Api, dev: Channel, admin: User, other_user: User
    ) -> None:
        assert_v1_error(v1_bob.post(f"channels/{dev.id}/add", {"user_id": other_user.id}), 403)
        assert_v1_error(
            v1.post(f"channels/{dev.id}/add", {}),
            400,
            "The parameter 'user_id' is missing or not valid.",
        )
        assert_v1_error(
            v1.post(f"channels/{dev.id}/add", {"user_id": admin.id}), 500
        )  # not in the team

    def test_remove_refusals(self, v1: V1Api, dev: Channel, admin: User) -> None:
        assert_v1_error(v1.post(f"channels/{dev.id}/remove", {"user_id": "z" * 26}), 500)
        assert_v1_error(v1.post(f"channels/{dev.id}/remove", {"user_id": admin.id}), 500)

    def test_notify_props(self, v1: V1Api, v1_bob: V1Api, dev: Channel, user: User) -> None:
        body = {"channel_id": dev.id, "user_id": user.id, "mark_unread": "mention"}
        assert v1.post("channels/update_notify_props", body).json() == {
            "desktop": "default",
            "mark_unread": "mention",
        }
        assert_v1_error(v1.post("channels/update_notify_props", body | {"desktop": "loud"}), 500)
        assert_v1_error(v1_bob.post("channels/update_notify_props", body), 403)
        assert_v1_error(v1.post("channels/update_notify_props", {"channel_id": dev.id}), 400)

    def test_last_viewed_at(
        self, v1: V1Api, v1_bob: V1Api, dev: Channel, user: User, other_user: User
    ) -> None:
        channel_member_add(channel=dev, user=other_user)
        v1_bob.post(f"channels/{dev.id}/create", {"channel_id": dev.id, "message": "@alice hi"})
        assert ChannelMember.objects.get(channel=dev, user=user).mention_count == 1
        assert v1.post(f"channels/{dev.id}/update_last_viewed_at").json() == {"id": dev.id}
        member = ChannelMember.objects.get(channel=dev, user=user)
        assert (member.mention_count, member.msg_count) == (0, 1)
        assert Preference.objects.get(user=user, category="last", name="channel").value == dev.id
        assert_v1_error(v1.post(f"channels/{'z' * 26}/update_last_viewed_at"), 500)

    def test_extra_info(
        self, v1: V1Api, v1_bob: V1Api, dev: Channel, alpha: Team, user: User
    ) -> None:
        for n in range(3):
            extra = user_create(username=f"u{n}", email=f"u{n}@example.com", password=None)
            team_member_add(team=alpha, user=extra)
            channel_member_add(channel=dev, user=extra)
        response = v1.get(f"channels/{dev.id}/extra_info")
        body = response.json()
        assert body["member_count"] == 4
        assert [m["username"] for m in body["members"]] == ["alice", "u0", "u1", "u2"]
        assert body["members"][0] == {
            "id": user.id,
            "nickname": "",
            "email": "alice@example.com",
            "roles": "admin",
            "username": "alice",
        }
        assert response["Expires"] == "-1"
        assert (
            v1.get(f"channels/{dev.id}/extra_info", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
            == 304
        )
        assert len(v1.get(f"channels/{dev.id}/extra_info/2").json()["members"]) == 2
        assert len(v1.get(f"channels/{dev.id}/extra_info/-1").json()["members"]) == 4
        assert_v1_error(v1_bob.get(f"channels/{dev.id}/extra_info"), 500, NO_MEMBER)

    def test_extra_info_query_budget(
        self, v1: V1Api, dev: Channel, alpha: Team, django_assert_max_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        v1.get(f"channels/{dev.id}/extra_info")
        with django_assert_max_num_queries(6) as few:
            v1.get(f"channels/{dev.id}/extra_info")
        for n in range(4):
            extra = user_create(username=f"u{n}", email=f"u{n}@example.com", password=None)
            team_member_add(team=alpha, user=extra)
            channel_member_add(channel=dev, user=extra)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert v1.get(f"channels/{dev.id}/extra_info").json()["member_count"] == 5

    def test_extra_info_of_an_archived_channel(self, v1: V1Api, dev: Channel) -> None:
        Channel.objects.filter(pk=dev.pk).update(delete_at=1)
        assert_v1_error(v1.get(f"channels/{dev.id}/extra_info"), 400)

    @pytest.mark.parametrize(
        "route", ["join", "leave", "add", "remove", "update_last_viewed_at", "delete"]
    )
    def test_need_a_session(self, v1_anon: V1Api, dev: Channel, route: str) -> None:
        assert_v1_error(v1_anon.post(f"channels/{dev.id}/{route}", {}), 401)
