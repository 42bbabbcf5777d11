"""Channels over API v4: create (public, private, direct, group), read, list, search,
edit, privacy, archive, restore, delete and stats."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mattermostdriver import Driver

from apps.accounts.models import User
from apps.accounts.services import user_create, user_set_active
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_create,
    direct_channel_get_or_create,
)
from apps.core.events import Event
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
MISSING_CHANNEL = "app.channel.get.existing.app_error"
MISSING_BY_NAME = "app.channel.get_by_name.missing.app_error"
NAME_TAKEN = "store.sql_channel.save_channel.exists.app_error"
UNKNOWN_ID = "q" * 26

CHANNEL_KEYS = {
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
}


def call(
    client: Client, method: str, path: str, token: str | None = None, body: object = None
) -> Any:
    headers = bearer(token) if token else {}
    if body is None:
        return getattr(client, method)(f"/api/v4{path}", **headers)
    return getattr(client, method)(
        f"/api/v4{path}", json.dumps(body), content_type="application/json", **headers
    )


def make_user(name: str, roles: str = "system_user") -> User:
    return user_create(
        username=name, email=f"{name}@example.com", password="passw0rd!", roles=roles
    )


def make_channel(
    team: Team, creator: User | None, name: str, type: str = "O", **fields: Any
) -> Channel:
    """A channel made a while ago, so that any change visibly moves its ``update_at``."""
    channel = channel_create(
        team=team, creator=creator, name=name, display_name=name.title(), type=type, **fields
    )
    Channel.objects.filter(pk=channel.pk).update(create_at=1000, update_at=1000)
    channel.refresh_from_db()
    return channel


def events(published: list[Event], name: str) -> list[Event]:
    return [event for event in published if event.event == name]


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    """alice created it (team admin); bob is a plain member."""
    team = team_create(
        creator=user, name="alpha", display_name="Alpha", type="O", allow_open_invite=True
    )
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def public(team: Team, user: User) -> Channel:
    """alice's public channel; bob is not in it."""
    return make_channel(team, user, "general-talk", purpose="Talk about anything")


@pytest.fixture
def private(team: Team, user: User) -> Channel:
    """alice's private channel; bob is not in it."""
    return make_channel(team, user, "secret", type="P")


@pytest.fixture
def town_square(team: Team) -> Channel:
    return Channel.objects.get(team=team, name="town-square")


@pytest.fixture
def bob(other_user: User, login: Callable[..., Any]) -> str:
    return str(login(other_user)[1])


@pytest.fixture
def root(admin: User, login: Callable[..., Any]) -> str:
    return str(login(admin)[1])


@pytest.fixture
def carol(db: None) -> User:
    """A user in no team and no channel."""
    return make_user("carol")


@pytest.fixture
def carol_token(carol: User, login: Callable[..., Any]) -> str:
    return str(login(carol)[1])


class TestSessionRequired:
    ROUTES = (
        ("get", "/channels"),
        ("post", "/channels"),
        ("post", "/channels/direct"),
        ("post", "/channels/group"),
        ("get", "/channels/{channel}"),
        ("put", "/channels/{channel}"),
        ("delete", "/channels/{channel}"),
        ("put", "/channels/{channel}/patch"),
        ("put", "/channels/{channel}/privacy"),
        ("post", "/channels/{channel}/restore"),
        ("get", "/channels/{channel}/stats"),
        ("get", "/teams/{team}/channels"),
        ("get", "/teams/{team}/channels/private"),
        ("get", "/teams/{team}/channels/deleted"),
        ("post", "/teams/{team}/channels/ids"),
        ("post", "/teams/{team}/channels/search"),
        ("get", "/teams/{team}/channels/autocomplete"),
        ("get", "/teams/{team}/channels/name/general-talk"),
        ("get", "/teams/name/alpha/channels/name/general-talk"),
    )

    @pytest.mark.parametrize(("method", "path"), ROUTES)
    @pytest.mark.parametrize("token", [None, "x" * 26], ids=["no-token", "bad-token"])
    def test_401(
        self,
        client: Client,
        team: Team,
        public: Channel,
        method: str,
        path: str,
        token: str | None,
    ) -> None:
        body = None if method in ("get", "delete") else {}
        response = call(client, method, path.format(team=team.id, channel=public.id), token, body)
        assert_error(response, 401, NO_SESSION)


class TestCreate:
    def test_creates_a_public_channel_led_by_its_creator(
        self,
        client: Client,
        user: User,
        token: str,
        team: Team,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {
            "team_id": team.id,
            "name": "news",
            "display_name": "  News  ",
            "type": "O",
            "purpose": "What happened",
            "header": "Read me",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", "/channels", token, body)
        assert response.status_code == 201
        channel = response.json()
        assert set(channel) == CHANNEL_KEYS
        assert (channel["name"], channel["display_name"], channel["type"]) == ("news", "News", "O")
        assert (channel["team_id"], channel["creator_id"]) == (team.id, user.id)
        assert (channel["purpose"], channel["header"]) == ("What happened", "Read me")
        assert (channel["scheme_id"], channel["policy_id"], channel["props"]) == (None, None, None)
        assert channel["create_at"] == channel["update_at"] > 0
        assert channel["delete_at"] == 0
        member = ChannelMember.objects.get(channel_id=channel["id"], user=user)
        assert member.roles == "channel_user channel_admin"
        (created,) = events(published, "channel_created")
        assert created.data == {"channel_id": channel["id"], "team_id": team.id}
        assert created.broadcast.user_id == user.id

    def test_creates_a_private_channel(
        self, client: Client, token: str, team: Team, other_user: User
    ) -> None:
        body = {"team_id": team.id, "name": "hush", "display_name": "Hush", "type": "P"}
        response = call(client, "post", "/channels", token, body)
        assert response.status_code == 201
        assert response.json()["type"] == "P"

    def test_name_is_unique_in_the_team(
        self, client: Client, token: str, team: Team, public: Channel
    ) -> None:
        body = {"team_id": team.id, "name": public.name, "display_name": "Again", "type": "O"}
        assert_error(call(client, "post", "/channels", token, body), 400, NAME_TAKEN)

    @pytest.mark.parametrize(
        ("changes", "status", "error_id"),
        [
            ({"team_id": ""}, 400, BODY_ERROR),
            ({"team_id": None}, 400, BODY_ERROR),
            ({"display_name": ""}, 400, BODY_ERROR),
            ({"display_name": 7}, 400, BODY_ERROR),
            ({"name": "Not Valid"}, 400, "model.channel.is_valid.2_or_more.app_error"),
            ({"name": "ab" * 20}, 400, "model.channel.is_valid.2_or_more.app_error"),
            ({"display_name": "d" * 65}, 400, "model.channel.is_valid.display_name.app_error"),
            ({"purpose": "p" * 251}, 400, "model.channel.is_valid.purpose.app_error"),
            ({"type": "D"}, 400, "api.channel.create_channel.direct_channel.app_error"),
            ({"type": "X"}, 400, "model.channel.is_valid.type.app_error"),
        ],
    )
    def test_channel_rules(
        self,
        client: Client,
        token: str,
        team: Team,
        changes: dict[str, Any],
        status: int,
        error_id: str,
    ) -> None:
        body = {"team_id": team.id, "name": "fine", "display_name": "Fine", "type": "O", **changes}
        assert_error(call(client, "post", "/channels", token, body), status, error_id)
        assert not Channel.objects.filter(name="fine").exists()

    def test_body_must_be_an_object(self, client: Client, token: str) -> None:
        assert_error(call(client, "post", "/channels", token, ["x"]), 400, BODY_ERROR)

    @pytest.mark.parametrize("channel_type", ["O", "P"])
    def test_outsiders_may_not_create(
        self, client: Client, carol_token: str, team: Team, channel_type: str
    ) -> None:
        body = {"team_id": team.id, "name": "mine", "display_name": "Mine", "type": channel_type}
        body_error = assert_error(
            call(client, "post", "/channels", carol_token, body), 403, FORBIDDEN
        )
        assert body_error["detailed_error"] == ""  # details only in developer mode

    def test_unknown_team_is_404_for_admins(self, client: Client, root: str) -> None:
        body = {"team_id": UNKNOWN_ID, "name": "mine", "display_name": "Mine", "type": "O"}
        assert_error(
            call(client, "post", "/channels", root, body), 404, "app.team.get.find.app_error"
        )


class TestDirect:
    def test_creates_once_with_sorted_ids_as_name(
        self,
        client: Client,
        user: User,
        other_user: User,
        token: str,
        bob: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", "/channels/direct", token, [user.id, other_user.id])
        assert response.status_code == 201
        channel = response.json()
        assert set(channel) == CHANNEL_KEYS
        assert channel["name"] == "__".join(sorted([user.id, other_user.id]))
        assert (channel["type"], channel["team_id"], channel["display_name"]) == ("D", "", "")
        assert channel["creator_id"] == user.id
        members = set(
            ChannelMember.objects.filter(channel_id=channel["id"]).values_list("user_id", flat=True)
        )
        assert members == {user.id, other_user.id}
        (added,) = events(published, "direct_added")
        assert added.data == {"creator_id": user.id, "teammate_id": other_user.id}
        assert added.broadcast.channel_id == channel["id"]

        with django_capture_on_commit_callbacks(execute=True):
            again = call(client, "post", "/channels/direct", bob, [other_user.id, user.id])
        assert again.status_code == 201  # Mattermost answers 201 for an existing one too
        assert again.json()["id"] == channel["id"]
        assert len(events(published, "direct_added")) == 1
        assert Channel.objects.filter(type="D").count() == 1

    @pytest.mark.parametrize("twice", [False, True])
    def test_note_to_self(self, client: Client, user: User, token: str, twice: bool) -> None:
        ids = [user.id, user.id] if twice else [user.id]
        response = call(client, "post", "/channels/direct", token, ids)
        assert response.status_code == 201
        channel = response.json()
        assert channel["name"] == f"{user.id}__{user.id}"
        assert list(
            ChannelMember.objects.filter(channel_id=channel["id"]).values_list("user_id", flat=True)
        ) == [user.id]

    def test_only_admins_join_two_other_people(
        self, client: Client, user: User, other_user: User, carol: User, token: str, root: str
    ) -> None:
        ids = [other_user.id, carol.id]
        assert_error(call(client, "post", "/channels/direct", token, ids), 403, FORBIDDEN)
        response = call(client, "post", "/channels/direct", root, ids)
        assert response.status_code == 201
        assert response.json()["creator_id"] == other_user.id

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ([], BODY_ERROR),
            ({"user_ids": []}, BODY_ERROR),
            (["a" * 26, "b" * 26, "c" * 26], BODY_ERROR),
            (["not-an-id", "b" * 26], BODY_ERROR),
            ([7, 8], BODY_ERROR),
        ],
    )
    def test_bad_bodies(self, client: Client, token: str, body: Any, error_id: str) -> None:
        assert_error(call(client, "post", "/channels/direct", token, body), 400, error_id)

    def test_the_other_user_must_exist(self, client: Client, user: User, token: str) -> None:
        response = call(client, "post", "/channels/direct", token, [user.id, UNKNOWN_ID])
        assert_error(response, 400, "api.channel.create_direct_channel.invalid_user.app_error")

    def test_guests_write_only_to_people_they_share_a_team_with(
        self, client: Client, carol: User, team: Team, login: Callable[..., Any]
    ) -> None:
        guest = make_user("gus", roles="system_guest")
        token = str(login(guest)[1])
        response = call(client, "post", "/channels/direct", token, [guest.id, carol.id])
        assert_error(response, 403, FORBIDDEN)
        assert not Channel.objects.filter(type="D").exists()


class TestGroup:
    def test_creates_once_with_sha1_name_and_usernames(
        self,
        client: Client,
        user: User,
        other_user: User,
        carol: User,
        token: str,
        bob: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", "/channels/group", token, [other_user.id, carol.id])
        assert response.status_code == 201
        channel = response.json()
        ids = sorted([user.id, other_user.id, carol.id])  # the caller is added
        assert channel["name"] == hashlib.sha1("".join(ids).encode()).hexdigest()
        assert channel["display_name"] == "alice, bob, carol"
        assert (channel["type"], channel["team_id"]) == ("G", "")
        members = ChannelMember.objects.filter(channel_id=channel["id"])
        assert sorted(members.values_list("user_id", flat=True)) == ids
        (added,) = events(published, "group_added")
        assert json.loads(added.data["teammate_ids"]) == ids
        assert added.broadcast.channel_id == channel["id"]

        with django_capture_on_commit_callbacks(execute=True):
            again = call(client, "post", "/channels/group", bob, [carol.id, user.id, other_user.id])
        assert again.status_code == 201
        assert again.json()["id"] == channel["id"]
        assert len(events(published, "group_added")) == 1

    def test_needs_three_to_eight_people(
        self, client: Client, other_user: User, token: str
    ) -> None:
        small = call(client, "post", "/channels/group", token, [other_user.id])
        assert_error(small, 400, "api.channel.create_group.bad_size.app_error")
        many = [make_user(f"user{n}").id for n in range(8)]
        large = call(client, "post", "/channels/group", token, many)
        assert_error(large, 400, "api.channel.create_group.bad_size.app_error")

    def test_every_user_must_exist(self, client: Client, other_user: User, token: str) -> None:
        response = call(client, "post", "/channels/group", token, [other_user.id, UNKNOWN_ID])
        assert_error(response, 400, "api.channel.create_group.bad_user.app_error")

    @pytest.mark.parametrize("body", [[], ["not-an-id", "b" * 26], {"user_ids": ["x"]}])
    def test_bad_bodies(self, client: Client, token: str, body: Any) -> None:
        assert_error(call(client, "post", "/channels/group", token, body), 400, BODY_ERROR)

    def test_guests_write_only_to_people_they_share_a_team_with(
        self, client: Client, other_user: User, carol: User, login: Callable[..., Any]
    ) -> None:
        guest = make_user("gus", roles="system_guest")
        token = str(login(guest)[1])
        response = call(client, "post", "/channels/group", token, [other_user.id, carol.id])
        assert_error(response, 403, FORBIDDEN)


class TestGet:
    def test_team_members_read_public_channels(
        self, client: Client, bob: str, public: Channel
    ) -> None:
        response = call(client, "get", f"/channels/{public.id}", bob)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == CHANNEL_KEYS
        assert (body["id"], body["name"], body["update_at"]) == (public.id, "general-talk", 1000)

    def test_private_channels_only_for_members(
        self, client: Client, token: str, bob: str, root: str, private: Channel
    ) -> None:
        # As in Mattermost: a refusal, not a 404, but nothing of the channel is shown.
        body = assert_error(call(client, "get", f"/channels/{private.id}", bob), 403, FORBIDDEN)
        assert private.name not in json.dumps(body)
        assert call(client, "get", f"/channels/{private.id}", token).json()["type"] == "P"
        assert call(client, "get", f"/channels/{private.id}", root).status_code == 200

    def test_outsiders_may_not_read_public_channels(
        self, client: Client, carol_token: str, public: Channel
    ) -> None:
        assert_error(call(client, "get", f"/channels/{public.id}", carol_token), 403, FORBIDDEN)

    def test_direct_channels_only_for_their_members(
        self, client: Client, user: User, other_user: User, token: str, bob: str, carol_token: str
    ) -> None:
        dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
        assert call(client, "get", f"/channels/{dm.id}", bob).json()["team_id"] == ""
        assert_error(call(client, "get", f"/channels/{dm.id}", carol_token), 403, FORBIDDEN)

    def test_unknown_and_malformed_ids(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", f"/channels/{UNKNOWN_ID}", token), 404, MISSING_CHANNEL)
        assert_error(call(client, "get", "/channels/nope", token), 400, URL_ERROR)


class TestByName:
    def test_by_team_id_and_by_team_name(
        self, client: Client, bob: str, team: Team, public: Channel
    ) -> None:
        by_id = call(client, "get", f"/teams/{team.id}/channels/name/general-talk", bob)
        by_name = call(client, "get", "/teams/name/alpha/channels/name/general-talk", bob)
        assert by_id.status_code == by_name.status_code == 200
        assert by_id.json() == by_name.json()
        assert by_id.json()["id"] == public.id

    def test_private_channels_look_missing_to_non_members(
        self, client: Client, token: str, bob: str, root: str, team: Team, private: Channel
    ) -> None:
        path = f"/teams/{team.id}/channels/name/secret"
        assert_error(call(client, "get", path, bob), 404, MISSING_BY_NAME)
        assert_error(
            call(client, "get", "/teams/name/alpha/channels/name/secret", bob), 404, MISSING_BY_NAME
        )
        assert call(client, "get", path, token).status_code == 200
        assert call(client, "get", path, root).status_code == 200  # team admins see it

    def test_archived_channels_only_when_asked(
        self, client: Client, token: str, team: Team, public: Channel
    ) -> None:
        channel_archive(channel=public)
        path = f"/teams/{team.id}/channels/name/general-talk"
        assert_error(call(client, "get", path, token), 404, MISSING_BY_NAME)
        found = call(client, "get", f"{path}?include_deleted=true", token)
        assert found.status_code == 200
        assert found.json()["delete_at"] > 0
        by_name = "/teams/name/alpha/channels/name/general-talk?include_deleted=true"
        assert call(client, "get", by_name, token).status_code == 200

    def test_errors(
        self, client: Client, token: str, carol_token: str, team: Team, public: Channel
    ) -> None:
        base = f"/teams/{team.id}/channels/name"
        assert_error(call(client, "get", f"{base}/nothing-here", token), 404, MISSING_BY_NAME)
        assert_error(call(client, "get", f"{base}/Not_Valid!", token), 400, URL_ERROR)
        assert_error(call(client, "get", "/teams/bad/channels/name/x", token), 400, URL_ERROR)
        assert_error(call(client, "get", f"{base}/general-talk", carol_token), 403, FORBIDDEN)
        missing_team = call(client, "get", "/teams/name/zeta/channels/name/x", token)
        assert_error(missing_team, 404, "app.team.get_by_name.missing.app_error")
        assert_error(call(client, "get", "/teams/name/Z!/channels/name/x", token), 400, URL_ERROR)
        outsider = call(client, "get", "/teams/name/alpha/channels/name/general-talk", carol_token)
        assert_error(outsider, 403, FORBIDDEN)


class TestTeamLists:
    def test_public_channels_in_display_name_order_with_paging(
        self, client: Client, bob: str, team: Team, public: Channel, private: Channel
    ) -> None:
        archived = make_channel(team, None, "old-news")
        channel_archive(channel=archived)
        response = call(client, "get", f"/teams/{team.id}/channels", bob)
        assert response.status_code == 200
        names = [channel["name"] for channel in response.json()]
        assert names == ["general-talk", "off-topic", "town-square"]
        assert set(response.json()[0]) == CHANNEL_KEYS
        second = call(client, "get", f"/teams/{team.id}/channels?page=1&per_page=2", bob).json()
        assert [channel["name"] for channel in second] == ["town-square"]

    def test_lists_cost_the_same_for_1_channel_as_for_30(
        self,
        client: Client,
        user: User,
        bob: str,
        root: str,
        team: Team,
        django_assert_max_num_queries: Any,
    ) -> None:
        paths = (
            (bob, f"/teams/{team.id}/channels"),
            (bob, f"/teams/{team.id}/channels/deleted"),
            (root, f"/teams/{team.id}/channels/private"),
            (root, "/channels?include_total_count=true&include_deleted=true"),
            (bob, f"/teams/{team.id}/channels/autocomplete?name=c"),
        )
        make_channel(team, None, "c0", type="P")
        budgets = {}
        for token, path in paths:
            call(client, "get", path, token)  # warm the session cache
            with CaptureQueriesContext(connection) as queries:
                assert call(client, "get", path, token).status_code == 200
            budgets[path] = len(queries)
        for n in range(1, 30):
            channel = make_channel(team, None, f"c{n}", type="OP"[n % 2])
            if n % 3 == 0:
                channel_archive(channel=channel)
        for token, path in paths:
            with django_assert_max_num_queries(budgets[path]):
                assert call(client, "get", path, token).status_code == 200

    def test_private_list_is_for_system_admins(
        self, client: Client, token: str, root: str, team: Team, private: Channel
    ) -> None:
        response = call(client, "get", f"/teams/{team.id}/channels/private", root)
        assert [channel["id"] for channel in response.json()] == [private.id]
        assert_error(
            call(client, "get", f"/teams/{team.id}/channels/private", token), 403, FORBIDDEN
        )

    def test_archived_list_shows_private_channels_to_their_members(
        self,
        client: Client,
        token: str,
        bob: str,
        root: str,
        team: Team,
        public: Channel,
        private: Channel,
    ) -> None:
        channel_archive(channel=public)
        channel_archive(channel=private)
        path = f"/teams/{team.id}/channels/deleted"

        def ids(token: str) -> set[str]:
            response = call(client, "get", path, token)
            assert response.status_code == 200
            return {channel["id"] for channel in response.json()}

        assert ids(token) == {public.id, private.id}
        assert ids(bob) == {public.id}
        assert ids(root) == {public.id, private.id}

    def test_lists_refuse_outsiders_and_bad_ids(
        self, client: Client, carol_token: str, team: Team
    ) -> None:
        for suffix in ("", "/deleted", "/autocomplete"):
            assert_error(
                call(client, "get", f"/teams/{team.id}/channels{suffix}", carol_token),
                403,
                FORBIDDEN,
            )
            assert_error(
                call(client, "get", f"/teams/nope/channels{suffix}", carol_token), 400, URL_ERROR
            )
        assert_error(
            call(client, "get", "/teams/nope/channels/private", carol_token), 400, URL_ERROR
        )

    def test_public_channels_by_ids(
        self,
        client: Client,
        bob: str,
        carol_token: str,
        team: Team,
        public: Channel,
        private: Channel,
        town_square: Channel,
    ) -> None:
        path = f"/teams/{team.id}/channels/ids"
        response = call(
            client, "post", path, bob, [public.id, private.id, town_square.id, UNKNOWN_ID]
        )
        assert response.status_code == 200
        assert [channel["id"] for channel in response.json()] == [public.id, town_square.id]
        none_public = call(client, "post", path, bob, [private.id])
        assert_error(none_public, 404, "app.channel.get_channels_by_ids.not_found.app_error")
        assert_error(call(client, "post", path, bob, []), 400, BODY_ERROR)
        assert_error(call(client, "post", path, bob, ["bad"]), 400, BODY_ERROR)
        assert_error(call(client, "post", path, carol_token, [public.id]), 403, FORBIDDEN)
        assert_error(
            call(client, "post", "/teams/nope/channels/ids", bob, [public.id]), 400, URL_ERROR
        )

    def test_search_matches_names_display_names_and_purposes(
        self, client: Client, bob: str, team: Team, public: Channel, private: Channel
    ) -> None:
        path = f"/teams/{team.id}/channels/search"

        def found(term: str) -> list[str]:
            response = call(client, "post", path, bob, {"term": term})
            assert response.status_code == 200
            return [channel["name"] for channel in response.json()]

        assert found("TALK") == ["general-talk"]
        assert found("anything") == ["general-talk"]  # the purpose
        assert found("town") == ["town-square"]
        assert found("secret") == []  # private channels are not searched
        assert found("") == ["general-talk", "off-topic", "town-square"]
        assert found("general anything") == ["general-talk"]
        assert_error(call(client, "post", path, bob, ["x"]), 400, BODY_ERROR)

    def test_search_without_list_permission_covers_own_channels(
        self, client: Client, carol: User, carol_token: str, team: Team, public: Channel
    ) -> None:
        path = f"/teams/{team.id}/channels/search"
        outsider = call(client, "post", path, carol_token, {"term": ""})
        assert_error(outsider, 404, "app.team.get_member.missing.app_error")
        TeamMember.objects.create(team=team, user=carol, scheme_guest=True, scheme_user=False)
        ChannelMember.objects.create(
            channel=public, user=carol, scheme_guest=True, scheme_user=False
        )
        response = call(client, "post", path, carol_token, {"term": ""})
        assert [channel["id"] for channel in response.json()] == [public.id]

    def test_autocomplete_offers_private_channels_to_their_members(
        self, client: Client, token: str, bob: str, team: Team, public: Channel, private: Channel
    ) -> None:
        path = f"/teams/{team.id}/channels/autocomplete?name=e"

        def names(token: str) -> list[str]:
            response = call(client, "get", path, token)
            assert response.status_code == 200
            return [channel["name"] for channel in response.json()]

        assert names(token) == ["general-talk", "secret", "town-square"]
        assert names(bob) == ["general-talk", "town-square"]


class TestAllChannels:
    def test_admins_list_every_channel_with_its_team(
        self, client: Client, root: str, team: Team, public: Channel, private: Channel
    ) -> None:
        channel_archive(channel=public)
        response = call(client, "get", "/channels", root)
        assert response.status_code == 200
        rows = response.json()
        assert [row["name"] for row in rows] == ["off-topic", "secret", "town-square"]
        assert set(rows[0]) == CHANNEL_KEYS | {"team_display_name", "team_name", "team_update_at"}
        assert (rows[0]["team_name"], rows[0]["team_display_name"]) == ("alpha", "Alpha")

        every = call(client, "get", "/channels?include_deleted=true&include_total_count=true", root)
        assert every.json()["total_count"] == 4
        assert len(every.json()["channels"]) == 4
        trimmed = call(client, "get", "/channels?exclude_default_channels=true", root)
        assert [row["name"] for row in trimmed.json()] == ["secret"]
        paged = call(client, "get", "/channels?per_page=1&page=1&include_total_count=true", root)
        assert paged.json()["total_count"] == 3
        assert [row["name"] for row in paged.json()["channels"]] == ["secret"]

    def test_others_are_refused(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", "/channels", token), 403, FORBIDDEN)


class TestPatchAndUpdate:
    def test_patch_changes_only_the_given_fields(
        self,
        client: Client,
        token: str,
        public: Channel,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {"display_name": " New Name ", "header": "Welcome", "purpose": None}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", f"/channels/{public.id}/patch", token, body)
        assert response.status_code == 200
        channel = response.json()
        assert (channel["display_name"], channel["header"]) == ("New Name", "Welcome")
        assert channel["purpose"] == "Talk about anything"
        assert channel["name"] == "general-talk"
        assert channel["update_at"] > 1000
        (updated,) = events(published, "channel_updated")
        assert updated.broadcast.channel_id == public.id
        assert isinstance(updated.data["channel"], str)
        assert json.loads(updated.data["channel"]) == channel

    def test_rename_rules(
        self, client: Client, token: str, public: Channel, town_square: Channel
    ) -> None:
        taken = call(client, "put", f"/channels/{public.id}/patch", token, {"name": "off-topic"})
        assert_error(taken, 400, NAME_TAKEN)
        bad = call(client, "put", f"/channels/{public.id}/patch", token, {"name": "Bad Name"})
        assert_error(bad, 400, "model.channel.is_valid.2_or_more.app_error")
        path = f"/channels/{town_square.id}/patch"
        renamed = call(client, "put", path, token, {"name": "plaza"})
        assert_error(renamed, 400, "api.channel.update_channel.tried.app_error")
        same = call(client, "put", path, token, {"name": "town-square", "display_name": "Plaza"})
        assert same.status_code == 200
        assert same.json()["display_name"] == "Plaza"

    def test_editors_need_the_channel_permission(
        self, client: Client, bob: str, public: Channel, private: Channel
    ) -> None:
        for channel in (public, private):
            response = call(client, "put", f"/channels/{channel.id}/patch", bob, {"header": "x"})
            assert_error(response, 403, FORBIDDEN)
        assert Channel.objects.get(pk=public.pk).header == ""

    def test_direct_messages_change_only_their_header(
        self, client: Client, user: User, other_user: User, bob: str, root: str
    ) -> None:
        dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
        path = f"/channels/{dm.id}/patch"
        response = call(client, "put", path, bob, {"header": "Hi"})
        assert response.status_code == 200
        assert response.json()["header"] == "Hi"
        renamed = call(client, "put", path, bob, {"display_name": "Us"})
        assert_error(
            renamed,
            400,
            "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error",
        )
        # Even a system admin must be in the conversation.
        outsider = call(client, "put", path, root, {"header": "x"})
        assert_error(outsider, 403, "api.channel.patch_update_channel.forbidden.app_error")
        put = call(client, "put", f"/channels/{dm.id}", bob, {"id": dm.id, "purpose": "new"})
        assert_error(
            put,
            400,
            "api.channel.update_channel.update_direct_or_group_messages_not_allowed.app_error",
        )

    def test_patch_errors(self, client: Client, token: str, public: Channel) -> None:
        assert_error(
            call(client, "put", f"/channels/{UNKNOWN_ID}/patch", token, {}), 404, MISSING_CHANNEL
        )
        assert_error(call(client, "put", "/channels/nope/patch", token, {}), 400, URL_ERROR)
        assert_error(
            call(client, "put", f"/channels/{public.id}/patch", token, [1]), 400, BODY_ERROR
        )
        wrong = call(client, "put", f"/channels/{public.id}/patch", token, {"header": 5})
        assert_error(wrong, 400, BODY_ERROR)
        channel_archive(channel=public)
        archived = call(client, "put", f"/channels/{public.id}/patch", token, {"header": "x"})
        assert_error(archived, 400, "app.channel.update.bad_id")

    def test_update_replaces_header_and_purpose(
        self, client: Client, token: str, public: Channel
    ) -> None:
        Channel.objects.filter(pk=public.pk).update(header="Old header")
        body = {"id": public.id, "display_name": "", "name": "renamed", "type": "O"}
        response = call(client, "put", f"/channels/{public.id}", token, body)
        assert response.status_code == 200
        channel = response.json()
        assert (channel["name"], channel["display_name"]) == ("renamed", "General-Talk")
        assert (channel["header"], channel["purpose"]) == ("", "")
        assert channel["update_at"] > 1000

    def test_update_errors(self, client: Client, token: str, bob: str, public: Channel) -> None:
        path = f"/channels/{public.id}"
        assert_error(call(client, "put", path, token, {"id": UNKNOWN_ID}), 400, BODY_ERROR)
        assert_error(
            call(client, "put", path, token, {"id": public.id, "type": "P"}),
            400,
            "api.channel.update_channel.typechange.app_error",
        )
        assert_error(call(client, "put", path, bob, {"id": public.id}), 403, FORBIDDEN)
        missing = call(client, "put", f"/channels/{UNKNOWN_ID}", token, {"id": UNKNOWN_ID})
        assert_error(missing, 404, MISSING_CHANNEL)
        channel_archive(channel=public)
        archived = call(client, "put", path, token, {"id": public.id})
        assert_error(archived, 400, "api.channel.update_channel.deleted.app_error")


class TestPrivacy:
    def test_team_admins_convert_both_ways(
        self,
        client: Client,
        token: str,
        team: Team,
        public: Channel,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        path = f"/channels/{public.id}/privacy"
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", path, token, {"privacy": "P"})
        assert response.status_code == 200
        assert response.json()["type"] == "P"
        assert response.json()["update_at"] > 1000
        (converted,) = events(published, "channel_converted")
        assert converted.data == {"channel_id": public.id}
        assert converted.broadcast.team_id == team.id
        assert len(events(published, "channel_updated")) == 1
        back = call(client, "put", path, token, {"privacy": "O"})
        assert back.json()["type"] == "O"

    def test_rules_and_errors(
        self,
        client: Client,
        user: User,
        other_user: User,
        token: str,
        bob: str,
        root: str,
        public: Channel,
        town_square: Channel,
    ) -> None:
        square = call(client, "put", f"/channels/{town_square.id}/privacy", token, {"privacy": "P"})
        assert_error(square, 400, "api.channel.update_channel_privacy.default_channel_error")
        ChannelMember.objects.create(channel=public, user=other_user)
        member = call(client, "put", f"/channels/{public.id}/privacy", bob, {"privacy": "P"})
        assert_error(member, 403, FORBIDDEN)  # converting needs the team admin role
        dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
        direct = call(client, "put", f"/channels/{dm.id}/privacy", root, {"privacy": "P"})
        assert_error(direct, 400, "model.channel.is_valid.2_or_more.app_error")
        for body in ({"privacy": "X"}, {}, ["P"]):
            assert_error(
                call(client, "put", f"/channels/{public.id}/privacy", token, body), 400, BODY_ERROR
            )
        missing = call(client, "put", f"/channels/{UNKNOWN_ID}/privacy", token, {"privacy": "P"})
        assert_error(missing, 404, MISSING_CHANNEL)
        assert_error(
            call(client, "put", "/channels/x/privacy", token, {"privacy": "P"}), 400, URL_ERROR
        )


class TestDelete:
    def test_members_archive_channels(
        self,
        client: Client,
        token: str,
        team: Team,
        public: Channel,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", f"/channels/{public.id}", token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        public.refresh_from_db()
        assert public.delete_at > 0
        assert public.update_at == public.delete_at
        (deleted,) = events(published, "channel_deleted")
        assert deleted.data == {"channel_id": public.id, "delete_at": public.delete_at}
        assert deleted.broadcast.team_id == team.id
        again = call(client, "delete", f"/channels/{public.id}", token)
        assert_error(again, 400, "api.channel.delete_channel.deleted.app_error")

    def test_what_cannot_be_archived(
        self,
        client: Client,
        user: User,
        other_user: User,
        token: str,
        bob: str,
        private: Channel,
        town_square: Channel,
    ) -> None:
        square = call(client, "delete", f"/channels/{town_square.id}", token)
        assert_error(square, 400, "api.channel.delete_channel.cannot.app_error")
        dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
        direct = call(client, "delete", f"/channels/{dm.id}", token)
        assert_error(direct, 400, "api.channel.delete_channel.type.invalid")
        assert_error(call(client, "delete", f"/channels/{private.id}", bob), 403, FORBIDDEN)
        assert_error(call(client, "delete", f"/channels/{UNKNOWN_ID}", token), 404, MISSING_CHANNEL)
        assert_error(call(client, "delete", "/channels/x", token), 400, URL_ERROR)
        town_square.refresh_from_db()
        assert town_square.delete_at == 0

    def test_permanent_deletion_needs_the_setting_and_an_admin(
        self,
        client: Client,
        token: str,
        root: str,
        public: Channel,
        mm_config: Callable[..., None],
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        path = f"/channels/{public.id}?permanent=true"
        assert_error(
            call(client, "delete", path, token),
            401,
            "api.user.delete_channel.not_enabled.app_error",
        )
        assert_error(
            call(client, "delete", path, root),
            401,
            "api.user.delete_channel.not_enabled.for_admin.app_error",
        )
        mm_config(enable_api_channel_deletion=True)
        assert_error(call(client, "delete", path, token), 403, FORBIDDEN)
        assert Channel.objects.filter(pk=public.pk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", path, root)
        assert response.json() == {"status": "OK"}
        assert not Channel.objects.filter(pk=public.pk).exists()
        assert not ChannelMember.objects.filter(channel_id=public.pk).exists()
        (deleted,) = events(published, "channel_deleted")
        assert deleted.data["channel_id"] == public.id


class TestRestore:
    def test_team_admins_restore(
        self,
        client: Client,
        token: str,
        team: Team,
        public: Channel,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        channel_archive(channel=public)
        Channel.objects.filter(pk=public.pk).update(update_at=2000)
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", f"/channels/{public.id}/restore", token)
        assert response.status_code == 200
        assert response.json()["delete_at"] == 0
        assert response.json()["update_at"] > 2000
        (restored,) = events(published, "channel_restored")
        assert restored.data == {"channel_id": public.id}
        assert restored.broadcast.team_id == team.id

    def test_errors(
        self, client: Client, token: str, bob: str, public: Channel, other_user: User
    ) -> None:
        not_archived = call(client, "post", f"/channels/{public.id}/restore", token)
        assert_error(not_archived, 400, "api.channel.restore_channel.restored.app_error")
        channel_archive(channel=public)
        ChannelMember.objects.create(channel=public, user=other_user)
        assert_error(call(client, "post", f"/channels/{public.id}/restore", bob), 403, FORBIDDEN)
        missing = call(client, "post", f"/channels/{UNKNOWN_ID}/restore", token)
        assert_error(missing, 404, MISSING_CHANNEL)
        assert_error(call(client, "post", "/channels/x/restore", token), 400, URL_ERROR)


class TestStats:
    def test_counts_active_members_and_guests(
        self, client: Client, token: str, team: Team, public: Channel, other_user: User
    ) -> None:
        guest = make_user("gus", roles="system_guest")
        ChannelMember.objects.create(channel=public, user=other_user)
        ChannelMember.objects.create(
            channel=public, user=guest, scheme_guest=True, scheme_user=False
        )
        gone = make_user("gone")
        ChannelMember.objects.create(channel=public, user=gone)
        user_set_active(user=gone, active=False)
        response = call(client, "get", f"/channels/{public.id}/stats", token)
        assert response.status_code == 200
        assert response.json() == {
            "channel_id": public.id,
            "member_count": 3,
            "guest_count": 1,
            "pinnedpost_count": 0,
            "files_count": 0,
        }
        excluded = call(
            client, "get", f"/channels/{public.id}/stats?exclude_files_count=true", token
        )
        assert excluded.json()["files_count"] == -1

    def test_errors(self, client: Client, bob: str, root: str, private: Channel) -> None:
        assert_error(call(client, "get", f"/channels/{private.id}/stats", bob), 403, FORBIDDEN)
        assert_error(call(client, "get", f"/channels/{UNKNOWN_ID}/stats", bob), 403, FORBIDDEN)
        assert_error(
            call(client, "get", f"/channels/{UNKNOWN_ID}/stats", root), 404, MISSING_CHANNEL
        )
        assert_error(call(client, "get", "/channels/x/stats", bob), 400, URL_ERROR)


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
def test_mattermostdriver_creates_channels_and_direct_messages(
    live_server: Any, user: User, other_user: User, team: Team
) -> None:
    alice = driver_for(live_server, "alice")
    created = alice.channels.create_channel(
        options={"team_id": team.id, "name": "driven", "display_name": "Driven", "type": "O"}
    )
    assert (created["name"], created["team_id"]) == ("driven", team.id)
    assert alice.channels.get_channel(created["id"])["display_name"] == "Driven"
    assert alice.channels.get_channel_by_name(team.id, "driven")["id"] == created["id"]
    patched = alice.channels.patch_channel(created["id"], options={"header": "Hello"})
    assert patched["header"] == "Hello"

    dm = alice.channels.create_direct_message_channel(options=[user.id, other_user.id])
    assert dm["type"] == "D"
    assert dm["name"] == "__".join(sorted([user.id, other_user.id]))
    assert (
        alice.channels.create_direct_message_channel(options=[other_user.id, user.id])["id"]
        == dm["id"]
    )
    assert alice.channels.delete_channel(created["id"]) == {"status": "OK"}
    alice.logout()
