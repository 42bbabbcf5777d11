"""API v3 routes for one channel: create (public, private, direct, group), update,
header, purpose, read (with membership, by name, stats, 3.4's extra info) and delete."""

from __future__ import annotations

from typing import Any

import pytest

from apps.channels.models import Channel, ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_create,
    direct_channel_get_or_create,
    group_channel_get_or_create,
)
from apps.core.config import SERVER_VERSION
from apps.posts.models import Post
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
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db
WRONG_TEAM = "api.channel.get_channel.wrong_team.app_error"


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


class TestCreate:
    def test_creates_a_public_channel_in_the_url_team(self, v3: V3World) -> None:
        body = {"name": "news", "display_name": "News", "type": "O"}
        channel = ok(v3.api("bob").post(f"{v3.channels}/create", body))
        assert list(channel) == CHANNEL_KEYS
        assert (channel["team_id"], channel["name"], channel["creator_id"]) == (
            v3.team.id,
            "news",
            v3.bob.id,
        )
        member = ChannelMember.objects.get(channel_id=channel["id"], user=v3.bob)
        assert member.roles == "channel_user channel_admin"

    def test_the_body_team_wins_when_given(self, v3: V3World) -> None:
        body = {"name": "plans", "display_name": "Plans", "type": "P", "team_id": v3.beta.id}
        channel = ok(v3.api("alice").post(f"{v3.channels}/create", body))
        assert (channel["team_id"], channel["type"]) == (v3.beta.id, "P")

    def test_needs_the_create_permission_in_the_body_team(self, v3: V3World) -> None:
        body = {"name": "plans", "display_name": "Plans", "type": "O", "team_id": v3.beta.id}
        assert_error(v3.api("bob").post(f"{v3.channels}/create", body), 403, FORBIDDEN)

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            (
                {"name": "x y", "display_name": "X", "type": "O"},
                "model.channel.is_valid.2_or_more.app_error",
            ),
            (
                {"name": "news", "display_name": "", "type": "O"},
                "model.channel.is_valid.display_name.app_error",
            ),
            (
                {"name": "news", "display_name": "N", "type": "D"},
                "api.channel.create_channel.direct_channel.app_error",
            ),
            (
                {"name": "news", "display_name": "N", "type": "Z"},
                "model.channel.is_valid.type.app_error",
            ),
            (
                {"name": "dev", "display_name": "Dev", "type": "O"},
                "store.sql_channel.save_channel.exists.app_error",
            ),
            ({"name": 5, "display_name": "N", "type": "O"}, INVALID_PARAM),
            ({"name": "news", "display_name": "N", "type": "O", "create_at": "now"}, INVALID_PARAM),
            (["news"], INVALID_PARAM),
        ],
    )
    def test_bad_channels_are_400(self, v3: V3World, body: Any, error_id: str) -> None:
        assert_error(v3.api("bob").post(f"{v3.channels}/create", body), 400, error_id)

    def test_session_and_team(self, v3: V3World) -> None:
        body = {"name": "news", "display_name": "News", "type": "O"}
        assert_error(v3.api(None).post(f"{v3.channels}/create", body), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.channels}/create", body), 403, FORBIDDEN)
        outside = v3.api("bob").post(f"/teams/{v3.beta.id}/channels/create", body)
        assert_error(outside, 403, FORBIDDEN)
        assert not Channel.objects.filter(name="news").exists()

    def test_cookie_needs_the_script_header(self, v3: V3World) -> None:
        v3.client.cookies["MMAUTHTOKEN"] = v3.tokens["bob"]
        body = {"name": "news", "display_name": "News", "type": "O"}
        plain = v3.api(None).post(f"{v3.channels}/create", body)
        assert_error(plain, 401, NO_SESSION)
        scripted = v3.api(None).post(
            f"{v3.channels}/create", body, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
        assert ok(scripted)["name"] == "news"


class TestCreateDirectAndGroup:
    def test_direct_channel_is_created_once(self, v3: V3World) -> None:
        api = v3.api("bob")
        first = ok(api.post(f"{v3.channels}/create_direct", {"user_id": v3.carol.id}))
        again = ok(api.post(f"{v3.channels}/create_direct", {"user_id": v3.carol.id}))
        assert first["id"] == again["id"]
        assert first["type"] == "D"
        assert first["team_id"] == ""
        assert first["name"] == "__".join(sorted((v3.bob.id, v3.carol.id)))

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ({}, INVALID_PARAM),
            ({"user_id": "short"}, INVALID_PARAM),
            ({"user_id": True}, INVALID_PARAM),
            ({"user_id": UNKNOWN_ID}, "api.channel.create_direct_channel.invalid_user.app_error"),
        ],
    )
    def test_direct_bad_bodies(self, v3: V3World, body: Any, error_id: str) -> None:
        assert_error(v3.api("bob").post(f"{v3.channels}/create_direct", body), 400, error_id)

    def test_direct_session_and_team(self, v3: V3World) -> None:
        body = {"user_id": v3.bob.id}
        assert_error(v3.api(None).post(f"{v3.channels}/create_direct", body), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.channels}/create_direct", body), 403, FORBIDDEN)

    def test_group_channel_adds_the_caller(self, v3: V3World) -> None:
        ids = [v3.alice.id, v3.carol.id]
        channel = ok(v3.api("bob").post(f"{v3.channels}/create_group", ids))
        assert channel["type"] == "G"
        assert channel["display_name"] == "alice, bob, carol"
        members = set(
            ChannelMember.objects.filter(channel_id=channel["id"]).values_list("user_id", flat=True)
        )
        assert members == {v3.alice.id, v3.bob.id, v3.carol.id}

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ([], INVALID_PARAM),
            ({"user_ids": []}, INVALID_PARAM),
            ([1, 2], INVALID_PARAM),
            (["a" * 26], "api.channel.create_group.bad_size.app_error"),
            (["a" * 26, "b" * 26], "api.channel.create_group.bad_user.app_error"),
        ],
    )
    def test_group_bad_bodies(self, v3: V3World, body: Any, error_id: str) -> None:
        assert_error(v3.api("bob").post(f"{v3.channels}/create_group", body), 400, error_id)

    def test_group_session_and_team(self, v3: V3World) -> None:
        body = [v3.alice.id, v3.bob.id]
        assert_error(v3.api(None).post(f"{v3.channels}/create_group", body), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.channels}/create_group", body), 403, FORBIDDEN)


class TestUpdate:
    def test_update_sets_header_and_purpose_and_names_when_given(self, v3: V3World) -> None:
        Channel.objects.filter(pk=v3.dev.pk).update(header="old", purpose="old")
        body = {"id": v3.dev.id, "name": "", "display_name": "Developers", "header": "h"}
        channel = ok(v3.api("bob").post(f"{v3.channels}/update", body))
        assert (channel["name"], channel["display_name"]) == ("dev", "Developers")
        assert (channel["header"], channel["purpose"]) == ("h", "")
        types = set(Post.objects.filter(channel=v3.dev).values_list("type", flat=True))
        assert "system_displayname_change" in types

    def test_update_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        path = f"{v3.channels}/update"
        assert_error(api.post(path, {"id": UNKNOWN_ID}), 404, MISSING_CHANNEL)
        assert_error(api.post(path, {"id": v3.secret.id}), 404, MISSING_MEMBER)
        assert_error(api.post(path, {"id": 5}), 400, INVALID_PARAM)
        square = {"id": v3.square.id, "name": "plaza", "display_name": "Plaza"}
        assert_error(api.post(path, square), 400, "api.channel.update_channel.tried.app_error")
        retype = {"id": v3.dev.id, "type": "P"}
        assert_error(api.post(path, retype), 400, "api.channel.update_channel.typechange.app_error")
        guest = v3.guest_in(v3.dev)
        assert_error(guest.post(path, {"id": v3.dev.id}), 403, FORBIDDEN)
        channel_archive(channel=v3.dev)
        assert_error(
            api.post(path, {"id": v3.dev.id}), 400, "api.channel.update_channel.deleted.app_error"
        )
        assert_error(v3.api(None).post(path, {"id": v3.dev.id}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"id": v3.dev.id}), 403, FORBIDDEN)

    def test_header_is_announced_in_the_channel(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "channel_header": "New header"}
        channel = ok(v3.api("bob").post(f"{v3.channels}/update_header", body))
        assert channel["header"] == "New header"
        notice = Post.objects.get(channel=v3.dev, type="system_header_change")
        assert notice.props["new_header"] == "New header"

    def test_purpose(self, v3: V3World) -> None:
        body = {"channel_id": v3.dev.id, "channel_purpose": "Purpose"}
        assert ok(v3.api("bob").post(f"{v3.channels}/update_purpose", body))["purpose"] == "Purpose"
        too_long = {"channel_id": v3.dev.id, "channel_purpose": "p" * 251}
        assert_error(
            v3.api("bob").post(f"{v3.channels}/update_purpose", too_long),
            400,
            "model.channel.is_valid.purpose.app_error",
        )

    @pytest.mark.parametrize("route", ["update_header", "update_purpose"])
    def test_header_and_purpose_errors(self, v3: V3World, route: str) -> None:
        key = "channel_header" if route == "update_header" else "channel_purpose"
        path = f"{v3.channels}/{route}"
        api = v3.api("bob")
        assert_error(api.post(path, {key: "x"}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"channel_id": v3.dev.id, key: 5}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"channel_id": v3.dev.id, key: "é" * 513}), 400, INVALID_PARAM)
        assert_error(api.post(path, {"channel_id": UNKNOWN_ID, key: "x"}), 404, MISSING_CHANNEL)
        assert_error(api.post(path, {"channel_id": v3.secret.id, key: "x"}), 404, MISSING_MEMBER)
        guest = v3.guest_in(v3.dev)
        assert_error(guest.post(path, {"channel_id": v3.dev.id, key: "x"}), 403, FORBIDDEN)
        assert_error(v3.api(None).post(path, {"channel_id": v3.dev.id}), 401, NO_SESSION)
        assert_error(v3.api("carol").post(path, {"channel_id": v3.dev.id}), 403, FORBIDDEN)

    def test_members_change_the_header_of_their_direct_channel(self, v3: V3World) -> None:
        dm = direct_channel_get_or_create(user=v3.bob, other_user=v3.alice).channel
        body = {"channel_id": dm.id, "channel_header": "us"}
        assert ok(v3.api("bob").post(f"{v3.channels}/update_header", body))["header"] == "us"


class TestChannelData:
    def test_channel_and_my_membership_with_etag(self, v3: V3World) -> None:
        api = v3.api("bob")
        response = api.get(f"{v3.of(v3.dev)}/")
        data = ok(response)
        assert list(data) == ["channel", "member"]
        assert list(data["channel"]) == CHANNEL_KEYS
        assert list(data["member"]) == MEMBER_KEYS
        member = ChannelMember.objects.get(channel=v3.dev, user=v3.bob)
        channel = Channel.objects.get(pk=v3.dev.pk)
        assert response["ETag"] == (
            f"{SERVER_VERSION}.{channel.id}.{channel.update_at}.{channel.last_post_at}"
            f".{member.last_update_at}"
        )
        assert api.get(f"{v3.of(v3.dev)}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_direct_channels_under_any_of_my_teams(self, v3: V3World) -> None:
        dm = direct_channel_get_or_create(user=v3.alice, other_user=v3.bob).channel
        for team in (v3.team, v3.beta):
            response = v3.api("alice").get(f"/teams/{team.id}/channels/{dm.id}/")
            assert ok(response)["channel"]["id"] == dm.id

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.channels}/{UNKNOWN_ID}/"), 404, MISSING_CHANNEL)
        assert_error(api.get(f"{v3.channels}/short/"), 400, INVALID_PARAM)
        assert_error(api.get(f"{v3.of(v3.secret)}/"), 404, MISSING_MEMBER)
        assert api.get(v3.of(v3.dev)).status_code == 404  # no trailing slash
        other = channel_create(team=v3.beta, creator=v3.alice, name="b", display_name="B", type="O")
        assert_error(v3.api("alice").get(f"{v3.of(other)}/"), 400, WRONG_TEAM)
        assert_error(v3.api(None).get(f"{v3.of(v3.dev)}/"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.of(v3.dev)}/"), 403, FORBIDDEN)


class TestByName:
    def test_channel_by_name_with_etag(self, v3: V3World) -> None:
        api = v3.api("bob")
        response = api.get(f"{v3.channels}/name/dev")
        assert ok(response)["id"] == v3.dev.id
        channel = Channel.objects.get(pk=v3.dev.pk)
        assert response["ETag"] == f"{SERVER_VERSION}.{channel.id}.{channel.update_at}"
        assert (
            api.get(f"{v3.channels}/name/dev", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
            == 304
        )

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(
            api.get(f"{v3.channels}/name/nothing"), 404, "app.channel.get_by_name.missing.app_error"
        )
        # Bob is not in secret; 4.10 asked for read_channel.
        assert_error(api.get(f"{v3.channels}/name/secret"), 403, FORBIDDEN)
        assert_error(v3.api(None).get(f"{v3.channels}/name/dev"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.channels}/name/dev"), 403, FORBIDDEN)


class TestStats:
    def test_member_count_of_active_users(self, v3: V3World) -> None:
        response = v3.api("bob").get(f"{v3.of(v3.dev)}/stats")
        assert ok(response) == {"channel_id": v3.dev.id, "member_count": 2}
        v3.bob.delete_at = 1
        v3.bob.save()
        assert ok(v3.api("alice").get(f"{v3.of(v3.dev)}/stats"))["member_count"] == 1

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.of(v3.secret)}/stats"), 403, FORBIDDEN)
        assert_error(api.get(f"{v3.channels}/{UNKNOWN_ID}/stats"), 404, MISSING_CHANNEL)
        channel_archive(channel=v3.dev)
        archived = api.get(f"{v3.of(v3.dev)}/stats")
        assert_error(archived, 400, "api.channel.get_channel_extra_info.deleted.app_error")
        assert_error(v3.api(None).get(f"{v3.of(v3.dev)}/stats"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.of(v3.dev)}/stats"), 403, FORBIDDEN)


class TestExtraInfo:
    def test_members_and_count(self, v3: V3World, mm_config: Any) -> None:
        mm_config(show_email_address=False)
        body = ok(v3.api("bob").get(f"{v3.of(v3.dev)}/extra_info"))
        assert body["id"] == v3.dev.id
        assert body["member_count"] == 2
        assert body["members"] == [
            {
                "id": v3.alice.id,
                "nickname": "",
                "email": "",
                "roles": "channel_user channel_admin",
                "username": "alice",
            },
            {
                "id": v3.bob.id,
                "nickname": "",
                "email": "",
                "roles": "channel_user",
                "username": "bob",
            },
        ]
        mm_config(show_email_address=True)
        limited = ok(v3.api("bob").get(f"{v3.of(v3.dev)}/extra_info/1"))
        assert limited["member_count"] == 2
        assert [(m["username"], m["email"]) for m in limited["members"]] == [
            ("alice", "alice@example.com")
        ]
        assert ok(v3.api("bob").get(f"{v3.of(v3.dev)}/extra_info/-1"))["members"] == []

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(api.get(f"{v3.of(v3.secret)}/extra_info"), 404, MISSING_MEMBER)
        assert_error(api.get(f"{v3.channels}/{UNKNOWN_ID}/extra_info"), 404, MISSING_CHANNEL)
        channel_archive(channel=v3.dev)
        archived = api.get(f"{v3.of(v3.dev)}/extra_info")
        assert_error(archived, 400, "api.channel.get_channel_extra_info.deleted.app_error")
        assert_error(v3.api(None).get(f"{v3.of(v3.dev)}/extra_info"), 401, NO_SESSION)
        assert_error(v3.api("carol").get(f"{v3.of(v3.dev)}/extra_info"), 403, FORBIDDEN)


class TestDelete:
    def test_archives_and_announces(self, v3: V3World) -> None:
        assert ok(v3.api("bob").post(f"{v3.of(v3.dev)}/delete")) == {"id": v3.dev.id}
        assert Channel.objects.get(pk=v3.dev.pk).delete_at > 0
        assert Post.objects.filter(channel=v3.dev, type="system_channel_deleted").exists()

    def test_errors(self, v3: V3World) -> None:
        api = v3.api("bob")
        assert_error(
            api.post(f"{v3.of(v3.square)}/delete"),
            400,
            "api.channel.delete_channel.cannot.app_error",
        )
        assert_error(api.post(f"{v3.channels}/{UNKNOWN_ID}/delete"), 404, MISSING_CHANNEL)
        assert_error(api.post(f"{v3.of(v3.secret)}/delete"), 403, FORBIDDEN)
        group = group_channel_get_or_create(user_ids=[v3.alice.id, v3.bob.id, v3.carol.id]).channel
        assert_error(
            api.post(f"{v3.of(group)}/delete"), 400, "api.channel.delete_channel.type.invalid"
        )
        channel_archive(channel=v3.dev)
        assert_error(
            api.post(f"{v3.of(v3.dev)}/delete"), 400, "api.channel.delete_channel.deleted.app_error"
        )
        assert_error(v3.api(None).post(f"{v3.of(v3.dev)}/delete"), 401, NO_SESSION)
        assert_error(v3.api("carol").post(f"{v3.of(v3.dev)}/delete"), 403, FORBIDDEN)


class TestAcrossVersions:
    def test_a_channel_made_in_v3_is_edited_in_v4_and_read_in_v3(self, v3: V3World) -> None:
        body = {"name": "x1", "display_name": "X", "type": "O"}
        created = ok(v3.api("bob").post(f"{v3.channels}/create", body))
        path = f"/api/v4/channels/{created['id']}/patch"
        patched = v3.client.put(
            path, {"header": "from v4"}, content_type="application/json", **bearer(v3.tokens["bob"])
        )
        assert patched.status_code == 200
        data = ok(v3.api("bob").get(f"{v3.channels}/{created['id']}/"))
        assert data["channel"]["header"] == "from v4"
