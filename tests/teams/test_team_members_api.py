"""Team membership over API v4: joining (directly, by invite, in batches), listing,
leaving and removal, member roles, and a user's teams, memberships and unread counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import Session, User
from apps.accounts.services import user_create, user_set_active
from apps.channels.models import Channel, ChannelMember
from apps.core.events import Event
from apps.core.ids import new_id
from apps.teams.models import Team, TeamMember
from apps.teams.permissions import has_team_permission
from apps.teams.services import team_create, team_member_add, team_member_remove
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"
NO_TEAM = "app.team.get.find.app_error"
NO_MEMBER = "app.team.get_member.missing.app_error"
NO_USER = "app.user.missing_account.const"
NO_INVITE = "app.team.get_by_invite_id.finding.app_error"
MEMBER_KEYS = {
    "team_id",
    "user_id",
    "roles",
    "delete_at",
    "scheme_guest",
    "scheme_user",
    "scheme_admin",
    "explicit_roles",
}


def call(client: Client, method: str, url: str, token: str | None = None, body: Any = None) -> Any:
    headers = bearer(token) if token else {}
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def make_team(creator: User, name: str = "alpha", **changes: Any) -> Team:
    fields: dict[str, Any] = {
        "display_name": name.title(),
        "name": name,
        "type": "O",
        "allow_open_invite": True,
        **changes,
    }
    return team_create(creator=creator, **fields)


@pytest.fixture
def team(user: User) -> Team:
    """An open team; its creator ``alice`` is its admin."""
    return make_team(user)


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.fixture
def carol(db: None) -> User:
    return user_create(
        username="carol", email="carol@example.com", password="passw0rd!", roles="system_user"
    )


@pytest.fixture
def carol_token(carol: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(carol)[1]


def member_of(team: Team, user: User) -> TeamMember:
    return TeamMember.objects.get(team=team, user=user)


def channel_names(team: Team, user: User) -> set[str]:
    return set(
        ChannelMember.objects.filter(user=user, channel__team=team).values_list(
            "channel__name", flat=True
        )
    )


class TestAddTeamMember:
    def url(self, team_id: str) -> str:
        return f"/api/v4/teams/{team_id}/members"

    def test_joining_an_open_team(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {"team_id": team.id, "user_id": other_user.id}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", self.url(team.id), bob_token, body)
        assert response.status_code == 201
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "team_id": team.id,
            "user_id": other_user.id,
            "roles": "team_user",
            "delete_at": 0,
            "scheme_guest": False,
            "scheme_user": True,
            "scheme_admin": False,
            "explicit_roles": "",
        }
        assert channel_names(team, other_user) == {"town-square", "off-topic"}
        added = [e for e in published if e.event == "added_to_team"]
        assert [(e.data, e.broadcast.user_id) for e in added] == [
            ({"team_id": team.id, "user_id": other_user.id}, other_user.id)
        ]

    def test_joining_again_returns_the_same_member(
        self, client: Client, team: Team, other_user: User, bob_token: str
    ) -> None:
        body = {"team_id": team.id, "user_id": other_user.id}
        first = call(client, "post", self.url(team.id), bob_token, body)
        second = call(client, "post", self.url(team.id), bob_token, body)
        assert second.status_code == 201
        assert second.json() == first.json()
        assert TeamMember.objects.filter(team=team, user=other_user).count() == 1

    def test_joining_a_team_without_open_invite_needs_join_private_teams(
        self, client: Client, user: User, other_user: User, bob_token: str
    ) -> None:
        private = make_team(user, "closed", type="I", allow_open_invite=False)
        body = {"team_id": private.id, "user_id": other_user.id}
        response = call(client, "post", self.url(private.id), bob_token, body)
        assert_error(response, 403, FORBIDDEN)
        assert not TeamMember.objects.filter(team=private, user=other_user).exists()

    def test_an_admin_may_join_any_team(
        self, client: Client, user: User, admin: User, admin_token: str
    ) -> None:
        private = make_team(user, "closed", type="I", allow_open_invite=False)
        body = {"team_id": private.id, "user_id": admin.id}
        response = call(client, "post", self.url(private.id), admin_token, body)
        assert response.status_code == 201
        assert member_of(private, admin).is_active

    def test_a_member_adds_someone_else(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        body = {"team_id": team.id, "user_id": other_user.id}
        response = call(client, "post", self.url(team.id), token, body)
        assert response.status_code == 201
        assert response.json()["user_id"] == other_user.id

    def test_an_outsider_cannot_add_someone_else(
        self, client: Client, team: Team, other_user: User, carol: User, carol_token: str
    ) -> None:
        body = {"team_id": team.id, "user_id": other_user.id}
        assert_error(call(client, "post", self.url(team.id), carol_token, body), 403, FORBIDDEN)
        assert not TeamMember.objects.filter(team=team, user=other_user).exists()

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ([], "api.team.add_team_member.invalid_body.app_error"),
            ("text", "api.team.add_team_member.invalid_body.app_error"),
            ({"team_id": 5, "user_id": "x"}, "api.team.add_team_member.invalid_body.app_error"),
            ({"team_id": new_id(), "user_id": "USER"}, BAD_BODY),
            ({"team_id": "TEAM", "user_id": "short"}, BAD_BODY),
            ({"team_id": "TEAM"}, BAD_BODY),
        ],
    )
    def test_bad_bodies(
        self, client: Client, team: Team, other_user: User, bob_token: str, body: Any, error_id: str
    ) -> None:
        if isinstance(body, dict):
            body = {
                k: team.id if v == "TEAM" else other_user.id if v == "USER" else v
                for k, v in body.items()
            }
        assert_error(call(client, "post", self.url(team.id), bob_token, body), 400, error_id)

    def test_malformed_json(self, client: Client, team: Team, bob_token: str) -> None:
        response = client.post(
            self.url(team.id), "{nope", content_type="application/json", **bearer(bob_token)
        )
        assert_error(response, 400, "api.team.add_team_member.invalid_body.app_error")

    def test_bad_team_id_in_the_url(self, client: Client, other_user: User, bob_token: str) -> None:
        body = {"team_id": "nope", "user_id": other_user.id}
        assert_error(call(client, "post", self.url("nope"), bob_token, body), 400, BAD_URL)

    def test_needs_a_session(self, client: Client, team: Team, other_user: User) -> None:
        body = {"team_id": team.id, "user_id": other_user.id}
        assert_error(call(client, "post", self.url(team.id), None, body), 401, EXPIRED)

    def test_unknown_team(self, client: Client, other_user: User, bob_token: str) -> None:
        missing = new_id()
        body = {"team_id": missing, "user_id": other_user.id}
        assert_error(call(client, "post", self.url(missing), bob_token, body), 404, NO_TEAM)

    def test_unknown_user(self, client: Client, team: Team, token: str) -> None:
        body = {"team_id": team.id, "user_id": new_id()}
        assert_error(call(client, "post", self.url(team.id), token, body), 404, NO_USER)

    def test_allowed_domains_pass_through(
        self, client: Client, user: User, admin_token: str
    ) -> None:
        strict = make_team(user, "strict", allowed_domains="example.com")
        outsider = user_create(username="eve", email="eve@elsewhere.test", password="passw0rd!")
        body = {"team_id": strict.id, "user_id": outsider.id}
        assert_error(
            call(client, "post", self.url(strict.id), admin_token, body),
            400,
            "api.team.join_user_to_team.allowed_domains.app_error",
        )

    def test_team_size_limit_passes_through(
        self, client: Client, team: Team, other_user: User, token: str, mm_config: Any
    ) -> None:
        mm_config(max_users_per_team=1)
        body = {"team_id": team.id, "user_id": other_user.id}
        assert_error(
            call(client, "post", self.url(team.id), token, body),
            400,
            "app.team.join_user_to_team.max_accounts.app_error",
        )

    def test_a_deactivated_user_cannot_be_added(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        user_set_active(user=other_user, active=False)
        body = {"team_id": team.id, "user_id": other_user.id}
        assert_error(
            call(client, "post", self.url(team.id), token, body),
            400,
            "app.team.join_user_to_team.user_deactivated.app_error",
        )

    def test_a_group_constrained_team_admits_nobody_directly(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        Team.objects.filter(pk=team.pk).update(group_constrained=True)
        body = {"team_id": team.id, "user_id": other_user.id}
        assert_error(
            call(client, "post", self.url(team.id), token, body),
            400,
            "api.team.add_members.user_denied",
        )


class TestInvites:
    invite_url = "/api/v4/teams/members/invite"

    @pytest.fixture
    def private(self, user: User) -> Team:
        return make_team(user, "closed", type="I", allow_open_invite=False)

    def test_the_right_invite_id_admits_to_a_private_team(
        self, client: Client, private: Team, other_user: User, bob_token: str
    ) -> None:
        response = call(
            client, "post", f"{self.invite_url}?invite_id={private.invite_id}", bob_token
        )
        assert response.status_code == 201
        assert response.json()["team_id"] == private.id
        assert response.json()["user_id"] == other_user.id
        assert member_of(private, other_user).is_active
        assert channel_names(private, other_user) == {"town-square", "off-topic"}

    def test_a_wrong_invite_id(self, client: Client, private: Team, bob_token: str) -> None:
        response = call(client, "post", f"{self.invite_url}?invite_id={new_id()}", bob_token)
        assert_error(response, 404, NO_INVITE)

    def test_a_regenerated_invite_id_voids_the_old_link(
        self, client: Client, private: Team, other_user: User, bob_token: str
    ) -> None:
        old = private.invite_id
        private.invite_id = new_id()
        private.save(update_fields=["invite_id"])
        stale = call(client, "post", f"{self.invite_url}?invite_id={old}", bob_token)
        assert_error(stale, 404, NO_INVITE)
        assert not TeamMember.objects.filter(team=private, user=other_user).exists()
        fresh = call(client, "post", f"{self.invite_url}?invite_id={private.invite_id}", bob_token)
        assert fresh.status_code == 201

    def test_nothing_to_join_with(self, client: Client, bob_token: str) -> None:
        assert_error(
            call(client, "post", self.invite_url, bob_token),
            400,
            "api.team.add_user_to_team.missing_parameter.app_error",
        )

    def test_an_unknown_token(self, client: Client, private: Team, bob_token: str) -> None:
        assert_error(
            call(client, "post", f"{self.invite_url}?token={new_id()}", bob_token),
            400,
            "api.user.create_user.signup_link_invalid.app_error",
        )

    def test_guests_cannot_use_invite_links(
        self, client: Client, private: Team, login: Callable[..., tuple[Session, str]]
    ) -> None:
        guest = user_create(
            username="gus", email="gus@example.com", password="passw0rd!", roles="system_guest"
        )
        response = call(
            client, "post", f"{self.invite_url}?invite_id={private.invite_id}", login(guest)[1]
        )
        assert_error(response, 403, "api.team.add_user_to_team_from_invite.guest.app_error")

    def test_not_for_group_constrained_teams(
        self, client: Client, private: Team, bob_token: str
    ) -> None:
        Team.objects.filter(pk=private.pk).update(group_constrained=True)
        response = call(
            client, "post", f"{self.invite_url}?invite_id={private.invite_id}", bob_token
        )
        assert_error(response, 403, "app.team.invite_id.group_constrained.error")

    def test_needs_a_session(self, client: Client, private: Team) -> None:
        response = call(client, "post", f"{self.invite_url}?invite_id={private.invite_id}")
        assert_error(response, 401, EXPIRED)

    def test_the_team_route_accepts_the_invite_id_of_that_team(
        self, client: Client, private: Team, other_user: User, bob_token: str
    ) -> None:
        url = f"/api/v4/teams/{private.id}/members?invite_id={private.invite_id}"
        body = {"team_id": private.id, "user_id": other_user.id}
        response = call(client, "post", url, bob_token, body)
        assert response.status_code == 201
        assert member_of(private, other_user).is_active

    def test_the_team_route_refuses_another_teams_invite_id(
        self, client: Client, private: Team, team: Team, bob_token: str
    ) -> None:
        url = f"/api/v4/teams/{private.id}/members?invite_id={team.invite_id}"
        assert_error(call(client, "post", url, bob_token, {}), 404, NO_INVITE)

    def test_the_team_route_refuses_tokens(
        self, client: Client, private: Team, bob_token: str
    ) -> None:
        url = f"/api/v4/teams/{private.id}/members?token={new_id()}"
        assert_error(
            call(client, "post", url, bob_token, {}),
            400,
            "api.user.create_user.signup_link_invalid.app_error",
        )


class TestBatch:
    def url(self, team_id: str, query: str = "") -> str:
        return f"/api/v4/teams/{team_id}/members/batch{query}"

    def test_adds_everyone(
        self, client: Client, team: Team, other_user: User, carol: User, token: str
    ) -> None:
        body = [{"team_id": team.id, "user_id": u.id} for u in (other_user, carol)]
        response = call(client, "post", self.url(team.id), token, body)
        assert response.status_code == 201
        assert [m["user_id"] for m in response.json()] == [other_user.id, carol.id]
        assert all(set(m) == MEMBER_KEYS for m in response.json())
        assert member_of(team, carol).is_active

    def test_one_failure_undoes_the_batch(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        body = [{"team_id": team.id, "user_id": u} for u in (other_user.id, new_id())]
        assert_error(call(client, "post", self.url(team.id), token, body), 404, NO_USER)
        assert not TeamMember.objects.filter(team=team, user=other_user).exists()

    def test_graceful_reports_each_user(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        missing = new_id()
        body = [{"team_id": team.id, "user_id": u} for u in (other_user.id, missing)]
        response = call(client, "post", self.url(team.id, "?graceful=true"), token, body)
        assert response.status_code == 201
        added, failed = response.json()
        assert added["user_id"] == other_user.id
        assert added["error"] is None
        assert added["member"]["roles"] == "team_user"
        assert failed["user_id"] == missing
        assert failed["member"] is None
        assert failed["error"]["id"] == NO_USER
        assert failed["error"]["status_code"] == 404
        assert member_of(team, other_user).is_active

    def test_needs_add_user_to_team(
        self, client: Client, team: Team, other_user: User, carol_token: str
    ) -> None:
        body = [{"team_id": team.id, "user_id": other_user.id}]
        assert_error(call(client, "post", self.url(team.id), carol_token, body), 403, FORBIDDEN)

    @pytest.mark.parametrize(
        "body",
        [
            {"team_id": "x"},
            [],
            ["x"],
            [{"team_id": "TEAM", "user_id": "bad"}],
            [{"team_id": "x" * 26, "user_id": "USER"}],
            [{"team_id": "TEAM", "user_id": "USER"}] * 257,
        ],
    )
    def test_bad_bodies(
        self, client: Client, team: Team, other_user: User, token: str, body: Any
    ) -> None:
        def fill(item: Any) -> Any:
            if not isinstance(item, dict):
                return item
            values = {"TEAM": team.id, "USER": other_user.id}
            return {k: values.get(v, v) for k, v in item.items()}

        body = [fill(item) for item in body] if isinstance(body, list) else body
        assert_error(call(client, "post", self.url(team.id), token, body), 400, BAD_BODY)

    def test_unknown_team(self, client: Client, other_user: User, token: str) -> None:
        missing = new_id()
        body = [{"team_id": missing, "user_id": other_user.id}]
        assert_error(call(client, "post", self.url(missing), token, body), 404, NO_TEAM)

    def test_needs_a_session(self, client: Client, team: Team, other_user: User) -> None:
        body = [{"team_id": team.id, "user_id": other_user.id}]
        assert_error(call(client, "post", self.url(team.id), None, body), 401, EXPIRED)


class TestListMembers:
    def url(self, team_id: str, query: str = "") -> str:
        return f"/api/v4/teams/{team_id}/members{query}"

    def test_lists_the_current_members(
        self, client: Client, team: Team, user: User, other_user: User, carol: User, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        team_member_add(team=team, user=carol)
        team_member_remove(team=team, user=carol)
        response = call(client, "get", self.url(team.id), token)
        assert response.status_code == 200
        listed = response.json()
        assert {m["user_id"] for m in listed} == {user.id, other_user.id}
        assert [m["user_id"] for m in listed] == sorted(m["user_id"] for m in listed)
        admin_row = next(m for m in listed if m["user_id"] == user.id)
        assert admin_row["roles"] == "team_user team_admin"

    def test_paging_and_username_sort(
        self, client: Client, team: Team, user: User, other_user: User, carol: User, token: str
    ) -> None:
        for member in (other_user, carol):
            team_member_add(team=team, user=member)
        pages = [
            call(client, "get", self.url(team.id, f"?sort=Username&per_page=2&page={n}"), token)
            for n in range(3)
        ]
        ids = [[m["user_id"] for m in page.json()] for page in pages]
        assert ids == [[user.id, other_user.id], [carol.id], []]  # alice, bob, carol

    def test_exclude_deleted_users(
        self, client: Client, team: Team, user: User, other_user: User, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        user_set_active(user=other_user, active=False)
        everyone = call(client, "get", self.url(team.id), token).json()
        active = call(client, "get", self.url(team.id, "?exclude_deleted_users=true"), token)
        assert {m["user_id"] for m in everyone} == {user.id, other_user.id}
        assert [m["user_id"] for m in active.json()] == [user.id]

    def test_needs_view_team(self, client: Client, team: Team, carol_token: str) -> None:
        assert_error(call(client, "get", self.url(team.id), carol_token), 403, FORBIDDEN)

    def test_unknown_team(self, client: Client, token: str, admin_token: str) -> None:
        missing = new_id()
        assert_error(call(client, "get", self.url(missing), token), 403, FORBIDDEN)
        response = call(client, "get", self.url(missing), admin_token)
        assert response.status_code == 200
        assert response.json() == []

    def test_bad_team_id(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", self.url("bad"), token), 400, BAD_URL)

    def test_needs_a_session(self, client: Client, team: Team) -> None:
        assert_error(call(client, "get", self.url(team.id)), 401, EXPIRED)

    def test_query_budget_does_not_grow_with_the_team(
        self, client: Client, team: Team, token: str, django_assert_max_num_queries: Any
    ) -> None:
        call(client, "get", self.url(team.id), token)  # warm the session cache
        # the caller's membership (for view_team) and the page
        with django_assert_max_num_queries(2) as one:
            single = call(client, "get", self.url(team.id), token)
        assert len(single.json()) == 1
        for n in range(29):
            team_member_add(
                team=team,
                user=user_create(username=f"u{n}", email=f"u{n}@example.com", password="passw0rd!"),
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            many = call(client, "get", self.url(team.id), token)
        assert len(many.json()) == 30


class TestGetMember:
    def url(self, team_id: str, user_id: str) -> str:
        return f"/api/v4/teams/{team_id}/members/{user_id}"

    def test_get_one(
        self, client: Client, team: Team, user: User, other_user: User, bob_token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        response = call(client, "get", self.url(team.id, user.id), bob_token)
        assert response.status_code == 200
        assert response.json()["roles"] == "team_user team_admin"
        me = call(client, "get", self.url(team.id, "me"), bob_token)
        assert me.json()["user_id"] == other_user.id

    def test_a_member_who_left_is_still_found(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        team_member_remove(team=team, user=other_user)
        response = call(client, "get", self.url(team.id, other_user.id), token)
        assert response.status_code == 200
        assert response.json()["delete_at"] > 0

    def test_not_a_member(self, client: Client, team: Team, carol: User, token: str) -> None:
        assert_error(call(client, "get", self.url(team.id, carol.id), token), 404, NO_MEMBER)

    def test_needs_view_team(
        self, client: Client, team: Team, user: User, carol_token: str
    ) -> None:
        assert_error(call(client, "get", self.url(team.id, user.id), carol_token), 403, FORBIDDEN)

    @pytest.mark.parametrize(("team_part", "user_part"), [("bad", "me"), ("TEAM", "bad")])
    def test_bad_ids(
        self, client: Client, team: Team, token: str, team_part: str, user_part: str
    ) -> None:
        url = self.url(team.id if team_part == "TEAM" else team_part, user_part)
        assert_error(call(client, "get", url, token), 400, BAD_URL)

    def test_needs_a_session(self, client: Client, team: Team, user: User) -> None:
        assert_error(call(client, "get", self.url(team.id, user.id)), 401, EXPIRED)


class TestMembersByIds:
    def url(self, team_id: str) -> str:
        return f"/api/v4/teams/{team_id}/members/ids"

    def test_only_current_members_come_back(
        self, client: Client, team: Team, user: User, carol: User, token: str
    ) -> None:
        response = call(client, "post", self.url(team.id), token, [user.id, carol.id, new_id()])
        assert response.status_code == 200
        assert [m["user_id"] for m in response.json()] == [user.id]

    @pytest.mark.parametrize("body", [[], {"ids": []}, [1, 2], "x"])
    def test_bad_bodies(self, client: Client, team: Team, token: str, body: Any) -> None:
        assert_error(call(client, "post", self.url(team.id), token, body), 400, BAD_BODY)

    def test_needs_view_team(
        self, client: Client, team: Team, user: User, carol_token: str
    ) -> None:
        assert_error(
            call(client, "post", self.url(team.id), carol_token, [user.id]), 403, FORBIDDEN
        )

    def test_needs_a_session(self, client: Client, team: Team, user: User) -> None:
        assert_error(call(client, "post", self.url(team.id), None, [user.id]), 401, EXPIRED)


class TestRemoveMember:
    def url(self, team_id: str, user_id: str) -> str:
        return f"/api/v4/teams/{team_id}/members/{user_id}"

    def test_leaving_ends_channel_membership_and_access(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        team_member_add(team=team, user=other_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", self.url(team.id, "me"), bob_token)
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert member_of(team, other_user).delete_at > 0
        assert channel_names(team, other_user) == set()
        assert not has_team_permission(other_user, team.id, "view_team")
        assert_error(
            call(client, "get", f"/api/v4/teams/{team.id}/members", bob_token), 403, FORBIDDEN
        )
        assert ("leave_team", team.id) in [(e.event, e.broadcast.team_id) for e in published]

    def test_an_admin_removes_a_member(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        response = call(client, "delete", self.url(team.id, other_user.id), token)
        assert response.json() == {"status": "OK"}
        assert not member_of(team, other_user).is_active

    def test_the_last_admin_may_leave(
        self, client: Client, team: Team, user: User, token: str
    ) -> None:
        response = call(client, "delete", self.url(team.id, user.id), token)
        assert response.status_code == 200
        assert not TeamMember.objects.filter(team=team, delete_at=0).exists()

    def test_leaving_twice_is_fine(
        self, client: Client, team: Team, other_user: User, bob_token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        call(client, "delete", self.url(team.id, "me"), bob_token)
        again = call(client, "delete", self.url(team.id, "me"), bob_token)
        assert again.json() == {"status": "OK"}

    def test_removing_others_needs_remove_user_from_team(
        self, client: Client, team: Team, user: User, other_user: User, bob_token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        assert_error(call(client, "delete", self.url(team.id, user.id), bob_token), 403, FORBIDDEN)
        assert member_of(team, user).is_active

    def test_not_a_member(self, client: Client, team: Team, carol: User, token: str) -> None:
        assert_error(
            call(client, "delete", self.url(team.id, carol.id), token),
            400,
            "api.team.remove_user_from_team.missing.app_error",
        )

    def test_group_constrained_teams_keep_their_members(
        self, client: Client, team: Team, other_user: User, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        Team.objects.filter(pk=team.pk).update(group_constrained=True)
        assert_error(
            call(client, "delete", self.url(team.id, other_user.id), token),
            400,
            "api.team.remove_member.group_constrained.app_error",
        )

    def test_unknown_team_and_user(self, client: Client, team: Team, admin_token: str) -> None:
        missing = new_id()
        assert_error(call(client, "delete", self.url(missing, "me"), admin_token), 404, NO_TEAM)
        assert_error(call(client, "delete", self.url(team.id, missing), admin_token), 404, NO_USER)

    def test_bad_ids(self, client: Client, team: Team, token: str) -> None:
        assert_error(call(client, "delete", self.url("bad", "me"), token), 400, BAD_URL)
        assert_error(call(client, "delete", self.url(team.id, "bad"), token), 400, BAD_URL)

    def test_needs_a_session(self, client: Client, team: Team, user: User) -> None:
        assert_error(call(client, "delete", self.url(team.id, user.id)), 401, EXPIRED)


class TestMemberRoles:
    def url(self, team_id: str, user_id: str, kind: str = "roles") -> str:
        return f"/api/v4/teams/{team_id}/members/{user_id}/{kind}"

    @pytest.fixture
    def bob_member(self, team: Team, other_user: User) -> TeamMember:
        return team_member_add(team=team, user=other_user)

    def test_a_promoted_member_can_manage_the_team(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_member: TeamMember,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        assert not has_team_permission(other_user, team.id, "manage_team")
        with django_capture_on_commit_callbacks(execute=True):
            response = call(
                client,
                "put",
                self.url(team.id, other_user.id),
                token,
                {"roles": "team_user team_admin"},
            )
        assert response.json() == {"status": "OK"}
        assert has_team_permission(other_user, team.id, "manage_team")
        shown = call(client, "get", f"/api/v4/teams/{team.id}/members/{other_user.id}", token)
        assert shown.json()["roles"] == "team_user team_admin"
        updates = [e for e in published if e.event == "memberrole_updated"]
        assert [e.broadcast.user_id for e in updates] == [other_user.id]
        assert json.loads(updates[0].data["member"]) == shown.json()

    def test_demotion_and_explicit_roles(
        self, client: Client, team: Team, user: User, token: str
    ) -> None:
        response = call(
            client, "put", self.url(team.id, "me"), token, {"roles": "team_user team_post_all"}
        )
        assert response.status_code == 200
        member = member_of(team, user)
        assert (member.scheme_user, member.scheme_admin) == (True, False)
        assert member.explicit_roles == "team_post_all"
        assert member.roles == "team_post_all team_user"
        assert not has_team_permission(user, team.id, "manage_team")

    @pytest.mark.parametrize(
        ("roles", "error_id"),
        [
            ("Team_Admin", BAD_BODY),
            ("system_admin", BAD_BODY),
            (None, BAD_BODY),
            (["team_user"], BAD_BODY),
            ("team_user no_such_role", "app.role.get_by_name.app_error"),
            (
                "team_user channel_user",
                "api.channel.update_team_member_roles.scheme_role.app_error",
            ),
            ("team_guest team_user", "api.team.update_team_member_roles.guest_and_user.app_error"),
            ("team_guest", "api.channel.update_team_member_roles.changing_guest_role.app_error"),
        ],
    )
    def test_refused_roles(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_member: TeamMember,
        token: str,
        roles: Any,
        error_id: str,
    ) -> None:
        response = call(client, "put", self.url(team.id, other_user.id), token, {"roles": roles})
        assert_error(response, 400, error_id)
        assert member_of(team, other_user).roles == "team_user"

    def test_needs_manage_team_roles(
        self, client: Client, team: Team, user: User, bob_member: TeamMember, bob_token: str
    ) -> None:
        body = {"roles": "team_user"}
        assert_error(
            call(client, "put", self.url(team.id, user.id), bob_token, body), 403, FORBIDDEN
        )
        assert member_of(team, user).scheme_admin

    def test_not_a_member(self, client: Client, team: Team, carol: User, token: str) -> None:
        body = {"roles": "team_user"}
        assert_error(call(client, "put", self.url(team.id, carol.id), token, body), 404, NO_MEMBER)

    def test_needs_a_session(self, client: Client, team: Team, user: User) -> None:
        body = {"roles": "team_user"}
        assert_error(call(client, "put", self.url(team.id, user.id), None, body), 401, EXPIRED)

    def test_scheme_roles(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_member: TeamMember,
        token: str,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        body = {"scheme_admin": True, "scheme_user": True}
        with django_capture_on_commit_callbacks(execute=True):
            response = call(
                client, "put", self.url(team.id, other_user.id, "schemeRoles"), token, body
            )
        assert response.json() == {"status": "OK"}
        assert member_of(team, other_user).roles == "team_user team_admin"
        assert has_team_permission(other_user, team.id, "remove_user_from_team")
        assert "memberrole_updated" in [e.event for e in published]

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            (
                {"scheme_guest": True, "scheme_user": True},
                "api.team.update_team_member_roles.guest_and_user.app_error",
            ),
            ({"scheme_admin": "yes"}, BAD_BODY),
            ([True], BAD_BODY),
        ],
    )
    def test_refused_scheme_roles(
        self,
        client: Client,
        team: Team,
        other_user: User,
        bob_member: TeamMember,
        token: str,
        body: Any,
        error_id: str,
    ) -> None:
        url = self.url(team.id, other_user.id, "schemeRoles")
        assert_error(call(client, "put", url, token, body), 400, error_id)
        assert member_of(team, other_user).roles == "team_user"

    def test_scheme_roles_need_manage_team_roles(
        self, client: Client, team: Team, user: User, bob_member: TeamMember, bob_token: str
    ) -> None:
        url = self.url(team.id, user.id, "schemeRoles")
        body = {"scheme_user": True}
        assert_error(call(client, "put", url, bob_token, body), 403, FORBIDDEN)

    def test_scheme_roles_of_a_non_member(
        self, client: Client, team: Team, carol: User, token: str
    ) -> None:
        url = self.url(team.id, carol.id, "schemeRoles")
        assert_error(call(client, "put", url, token, {"scheme_user": True}), 404, NO_MEMBER)

    def test_scheme_roles_need_a_session(self, client: Client, team: Team, user: User) -> None:
        url = self.url(team.id, user.id, "schemeRoles")
        assert_error(call(client, "put", url, None, {"scheme_user": True}), 401, EXPIRED)

    def test_bad_ids(self, client: Client, team: Team, token: str) -> None:
        body = {"roles": "team_user"}
        assert_error(call(client, "put", self.url("bad", "me"), token, body), 400, BAD_URL)
        assert_error(
            call(client, "put", self.url(team.id, "bad", "schemeRoles"), token, {}), 400, BAD_URL
        )


class TestUserTeams:
    def test_my_teams(
        self, client: Client, team: Team, user: User, other_user: User, bob_token: str, token: str
    ) -> None:
        team_member_add(team=team, user=other_user)
        mine = call(client, "get", "/api/v4/users/me/teams", bob_token)
        assert mine.status_code == 200
        (shown,) = mine.json()
        assert shown["id"] == team.id
        assert shown["name"] == "alpha"
        assert shown["email"] == ""  # bob does not manage the team
        assert shown["invite_id"] == team.invite_id  # but may invite
        as_admin = call(client, "get", f"/api/v4/users/{user.id}/teams", token).json()
        assert as_admin[0]["email"] == user.email

    def test_emails_hidden_when_the_server_hides_them(
        self, client: Client, team: Team, token: str, mm_config: Any
    ) -> None:
        mm_config(show_email_address=False)
        (shown,) = call(client, "get", "/api/v4/users/me/teams", token).json()
        assert shown["email"] == ""
        assert shown["invite_id"] == team.invite_id

    def test_left_and_archived_teams_are_not_listed(
        self, client: Client, team: Team, user: User, token: str
    ) -> None:
        archived = make_team(user, "gone")
        Team.objects.filter(pk=archived.pk).update(delete_at=1)
        left = make_team(user, "left")
        team_member_remove(team=left, user=user)
        listed = call(client, "get", "/api/v4/users/me/teams", token).json()
        assert [t["id"] for t in listed] == [team.id]

    def test_other_users_teams_need_an_admin(
        self, client: Client, team: Team, user: User, bob_token: str, admin_token: str
    ) -> None:
        url = f"/api/v4/users/{user.id}/teams"
        assert_error(call(client, "get", url, bob_token), 403, FORBIDDEN)
        assert [t["id"] for t in call(client, "get", url, admin_token).json()] == [team.id]

    def test_bad_id_and_no_session(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", "/api/v4/users/bad/teams", token), 400, BAD_URL)
        assert_error(call(client, "get", "/api/v4/users/me/teams"), 401, EXPIRED)

    def test_memberships(self, client: Client, team: Team, user: User, token: str) -> None:
        left = make_team(user, "left")
        team_member_remove(team=left, user=user)
        response = call(client, "get", "/api/v4/users/me/teams/members", token)
        assert response.status_code == 200
        by_team = {m["team_id"]: m for m in response.json()}
        assert set(by_team) == {team.id, left.id}
        assert by_team[team.id]["delete_at"] == 0
        assert by_team[left.id]["delete_at"] > 0

    def test_other_users_memberships(
        self, client: Client, team: Team, user: User, bob_token: str, admin_token: str
    ) -> None:
        url = f"/api/v4/users/{user.id}/teams/members"
        assert_error(call(client, "get", url, bob_token), 403, FORBIDDEN)
        assert [m["team_id"] for m in call(client, "get", url, admin_token).json()] == [team.id]

    def test_memberships_bad_id_and_no_session(self, client: Client, token: str) -> None:
        assert_error(call(client, "get", "/api/v4/users/bad/teams/members", token), 400, BAD_URL)
        assert_error(call(client, "get", "/api/v4/users/me/teams/members"), 401, EXPIRED)


def set_counts(channel: Channel, *, total: int, root: int) -> None:
    Channel.objects.filter(pk=channel.pk).update(total_msg_count=total, total_msg_count_root=root)


def set_seen(channel: Channel, user: User, **counts: Any) -> None:
    ChannelMember.objects.filter(channel=channel, user=user).update(**counts)


class TestUnreads:
    @pytest.fixture
    def unread_teams(self, user: User, other_user: User, team: Team) -> tuple[Team, Team]:
        """Bob's unread state: in ``alpha``, 6 unread (2 roots) and 3 mentions in
        town-square, nothing in off-topic, and a channel marked unread on mentions only with
        5 unread messages and 1 mention; in ``beta``, 1 unread message."""
        beta = make_team(user, "beta")
        for t in (team, beta):
            team_member_add(team=t, user=other_user)
        town, off = (Channel.objects.get(team=team, name=n) for n in ("town-square", "off-topic"))
        quiet = Channel.objects.create(team=team, type="O", name="quiet", total_msg_count=5)
        ChannelMember.objects.create(
            channel=quiet,
            user=other_user,
            mention_count=1,
            mention_count_root=1,
            notify_props={"mark_unread": "mention"},
        )
        set_counts(town, total=10, root=4)
        set_seen(town, other_user, msg_count=4, msg_count_root=2, mention_count=3)
        set_counts(off, total=3, root=3)
        set_seen(off, other_user, msg_count=3, msg_count_root=3)
        beta_town = Channel.objects.get(team=beta, name="town-square")
        set_counts(beta_town, total=1, root=1)
        set_seen(beta_town, other_user, msg_count=0, msg_count_root=0)
        # A direct channel belongs to no team and is left out.
        direct = Channel.objects.create(type="D", name="dm", total_msg_count=7)
        ChannelMember.objects.create(channel=direct, user=other_user)
        return team, beta

    def expected(
        self, team_id: str, msg: int, root: int, mentions: int, mentions_root: int
    ) -> dict[str, Any]:
        return {
            "team_id": team_id,
            "msg_count": msg,
            "mention_count": mentions,
            "mention_count_root": mentions_root,
            "msg_count_root": root,
            "thread_count": 0,
            "thread_mention_count": 0,
            "thread_urgent_mention_count": 0,
        }

    def test_all_teams(
        self, client: Client, unread_teams: tuple[Team, Team], bob_token: str
    ) -> None:
        alpha, beta = unread_teams
        response = call(client, "get", "/api/v4/users/me/teams/unread", bob_token)
        assert response.status_code == 200
        by_team = {u["team_id"]: u for u in response.json()}
        assert by_team == {
            alpha.id: self.expected(alpha.id, 6, 2, 4, 1),
            beta.id: self.expected(beta.id, 1, 1, 0, 0),
        }

    def test_exclude_team(
        self, client: Client, unread_teams: tuple[Team, Team], bob_token: str
    ) -> None:
        alpha, beta = unread_teams
        url = (
            f"/api/v4/users/me/teams/unread?exclude_team={alpha.id}&include_collapsed_threads=true"
        )
        assert [u["team_id"] for u in call(client, "get", url, bob_token).json()] == [beta.id]

    def test_one_team(
        self, client: Client, unread_teams: tuple[Team, Team], other_user: User, bob_token: str
    ) -> None:
        alpha, _ = unread_teams
        url = f"/api/v4/users/{other_user.id}/teams/{alpha.id}/unread"
        response = call(client, "get", url, bob_token)
        assert response.status_code == 200
        assert response.json() == self.expected(alpha.id, 6, 2, 4, 1)

    def test_a_team_without_channels_has_nothing_unread(
        self, client: Client, team: Team, admin_token: str
    ) -> None:
        url = f"/api/v4/users/me/teams/{team.id}/unread"
        assert call(client, "get", url, admin_token).json() == self.expected(team.id, 0, 0, 0, 0)

    def test_other_users_unreads_need_an_admin(
        self,
        client: Client,
        unread_teams: tuple[Team, Team],
        other_user: User,
        token: str,
        admin_token: str,
    ) -> None:
        alpha, _ = unread_teams
        all_url = f"/api/v4/users/{other_user.id}/teams/unread"
        assert_error(call(client, "get", all_url, token), 403, FORBIDDEN)
        assert len(call(client, "get", all_url, admin_token).json()) == 2
        one_url = f"/api/v4/users/{other_user.id}/teams/{alpha.id}/unread"
        assert_error(call(client, "get", one_url, token), 403, FORBIDDEN)

    def test_one_team_needs_view_team(self, client: Client, team: Team, carol_token: str) -> None:
        url = f"/api/v4/users/me/teams/{team.id}/unread"
        assert_error(call(client, "get", url, carol_token), 403, FORBIDDEN)

    def test_bad_ids_and_no_session(self, client: Client, team: Team, token: str) -> None:
        assert_error(call(client, "get", "/api/v4/users/bad/teams/unread", token), 400, BAD_URL)
        assert_error(call(client, "get", "/api/v4/users/me/teams/bad/unread", token), 400, BAD_URL)
        assert_error(call(client, "get", "/api/v4/users/me/teams/unread"), 401, EXPIRED)
        url = f"/api/v4/users/me/teams/{team.id}/unread"
        assert_error(call(client, "get", url), 401, EXPIRED)

    def test_query_budget_does_not_grow_with_teams(
        self, client: Client, user: User, token: str, django_assert_max_num_queries: Any
    ) -> None:
        make_team(user, "one")
        url = "/api/v4/users/me/teams/unread"
        call(client, "get", url, token)  # warm the session cache
        with django_assert_max_num_queries(1) as few:  # one aggregate over channel members
            assert len(call(client, "get", url, token).json()) == 1
        for n in range(5):
            make_team(user, f"more{n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(call(client, "get", url, token).json()) == 6


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
def test_mattermostdriver_joins_lists_and_leaves(
    live_server: Any, user: User, other_user: User
) -> None:
    team = make_team(user)
    bob = driver_for(live_server, "bob")
    alice = driver_for(live_server, "alice")

    member = bob.teams.add_user_to_team(
        team.id, options={"team_id": team.id, "user_id": other_user.id}
    )
    assert member["roles"] == "team_user"
    members = bob.teams.get_team_members(team.id, params={"sort": "Username"})
    assert [m["user_id"] for m in members] == [user.id, other_user.id]
    assert [t["id"] for t in bob.teams.get_user_teams("me")] == [team.id]
    assert [m["team_id"] for m in bob.teams.get_team_members_for_user("me")] == [team.id]
    assert bob.teams.get_team_member(team.id, user.id)["scheme_admin"] is True
    (unread,) = bob.teams.get_team_unreads_for_user("me")
    assert unread["team_id"] == team.id
    assert bob.teams.get_unreads_for_team("me", team.id)["msg_count"] == 0

    options = {"roles": "team_user team_admin"}
    assert alice.teams.update_team_member_roles(team.id, other_user.id, options) == {"status": "OK"}
    assert bob.teams.get_team_member(team.id, "me")["scheme_admin"] is True

    assert bob.teams.remove_user_from_team(team.id, other_user.id) == {"status": "OK"}
    assert bob.teams.get_user_teams("me") == []
    bob.logout()
    alice.logout()


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_creates_a_team_and_adds_a_member(
    live_server: Any, user: User, other_user: User
) -> None:
    alice = driver_for(live_server, "alice")
    team = alice.teams.create_team(
        options={"name": "driven", "display_name": "Driven", "type": "O"}
    )
    assert team["name"] == "driven"
    assert team["email"] == user.email  # the creator manages it, so sees the email
    member = alice.teams.add_user_to_team(
        team["id"], options={"team_id": team["id"], "user_id": other_user.id}
    )
    assert member["user_id"] == other_user.id
    assert {m["user_id"] for m in alice.teams.get_team_members(team["id"])} == {
        user.id,
        other_user.id,
    }
    assert alice.teams.get_team_by_name("driven")["id"] == team["id"]
    alice.logout()


def test_membership_from_the_users_side(
    client: Client, user: User, other_user: User, login
) -> None:
    team = make_team(user)
    team_member_add(team=team, user=other_user)
    _, token = login(other_user)
    response = client.get(f"/api/v4/users/me/teams/{team.id}/members", **bearer(token))
    assert response.status_code == 200
    assert response.json()["user_id"] == other_user.id
    assert (
        response.json() == client.get(f"/api/v4/teams/{team.id}/members/me", **bearer(token)).json()
    )
    assert_error(
        client.get(f"/api/v4/users/me/teams/{'n' * 26}/members", **bearer(token)),
        403,
        "api.context.permissions.app_error",
    )
    assert_error(
        client.get("/api/v4/users/me/teams/bad/members", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )
