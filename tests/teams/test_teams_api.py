from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.services import user_create, user_set_active
from apps.channels.models import Channel, ChannelMember
from apps.core.events import Event
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_archive, team_create, team_member_add
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BODY_ERROR = "api.context.invalid_body_param.app_error"
URL_ERROR = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
MISSING_TEAM = "app.team.get.find.app_error"
UNKNOWN_ID = "q" * 26

TEAM_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "display_name",
    "name",
    "description",
    "email",
    "type",
    "company_name",
    "allowed_domains",
    "invite_id",
    "allow_open_invite",
    "scheme_id",
    "group_constrained",
    "policy_id",
    "cloud_limits_archived",
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


def make_team(creator: User, name: str, **fields: Any) -> Team:
    """A team made a while ago, so that any change visibly moves its ``update_at``."""
    values = {"display_name": name.title(), "type": "O", "allow_open_invite": True, **fields}
    team = team_create(creator=creator, name=name, **values)
    Team.objects.filter(pk=team.pk).update(create_at=1000, update_at=1000)
    team.refresh_from_db()
    return team


@pytest.fixture
def open_team(user: User) -> Team:
    """Open to everyone; alice created it and is its admin."""
    return make_team(user, "alpha", description="The first team")


@pytest.fixture
def private_team(user: User) -> Team:
    """Invite only; alice created it and is its admin."""
    return make_team(user, "beta", type="I", allow_open_invite=False)


@pytest.fixture
def bob(other_user: User, login: Callable[..., Any]) -> str:
    return str(login(other_user)[1])


@pytest.fixture
def root(admin: User, login: Callable[..., Any]) -> str:
    return str(login(admin)[1])


@pytest.fixture
def guest_token(login: Callable[..., Any]) -> str:
    guest = user_create(
        username="gus", email="gus@example.com", password="passw0rd!", roles="system_guest"
    )
    return str(login(guest)[1])


def team_events(published: list[Event], name: str) -> list[dict[str, Any]]:
    """The teams carried by the ``name`` events, each checked to go to the team."""
    found = []
    for event in published:
        if event.event == name:
            assert isinstance(event.data["team"], str)  # a JSON string, as Mattermost sends
            team = json.loads(event.data["team"])
            assert event.broadcast.team_id == team["id"]
            found.append(team)
    return found


class TestSessionRequired:
    ROUTES = (
        ("post", "/teams"),
        ("get", "/teams"),
        ("post", "/teams/search"),
        ("get", "/teams/{id}"),
        ("put", "/teams/{id}"),
        ("delete", "/teams/{id}"),
        ("put", "/teams/{id}/patch"),
        ("put", "/teams/{id}/privacy"),
        ("post", "/teams/{id}/restore"),
        ("get", "/teams/{id}/stats"),
        ("post", "/teams/{id}/regenerate_invite_id"),
        ("get", "/teams/name/alpha"),
        ("get", "/teams/name/alpha/exists"),
    )

    @pytest.mark.parametrize(("method", "path"), ROUTES)
    @pytest.mark.parametrize("token", [None, "x" * 26], ids=["no-token", "bad-token"])
    def test_401(
        self, client: Client, open_team: Team, method: str, path: str, token: str | None
    ) -> None:
        body = None if method in ("get", "delete") else {}
        response = call(client, method, path.format(id=open_team.id), token, body)
        assert_error(response, 401, NO_SESSION)


class TestCreate:
    def test_creates_a_team_led_by_its_creator(
        self, client: Client, user: User, token: str
    ) -> None:
        body = {
            "name": "gamma",
            "display_name": "Gamma",
            "type": "O",
            "description": "About gamma",
            "company_name": "Gamma Inc",
            "allow_open_invite": True,
            "email": "someone@else.test",  # ignored: the team takes the creator's email
        }
        response = call(client, "post", "/teams", token, body)
        assert response.status_code == 201
        team = response.json()
        assert set(team) == TEAM_KEYS
        assert team["email"] == user.email
        assert team["invite_id"]
        assert (team["name"], team["display_name"], team["description"]) == (
            "gamma",
            "Gamma",
            "About gamma",
        )
        assert (team["scheme_id"], team["policy_id"], team["group_constrained"]) == (
            None,
            None,
            None,
        )
        assert team["create_at"] == team["update_at"] > 0
        member = TeamMember.objects.get(team_id=team["id"], user=user)
        assert member.roles == "team_user team_admin"
        channels = set(Channel.objects.filter(team_id=team["id"]).values_list("name", flat=True))
        assert channels == {"town-square", "off-topic"}

    def test_name_is_unique(self, client: Client, token: str, open_team: Team) -> None:
        body = {"name": "alpha", "display_name": "Again", "type": "O"}
        assert_error(
            call(client, "post", "/teams", token, body), 400, "app.team.save.existing.app_error"
        )

    @pytest.mark.parametrize(
        ("changes", "error_id"),
        [
            ({"name": "a"}, "model.team.is_valid.characters.app_error"),
            ({"name": "Upper"}, "model.team.is_valid.characters.app_error"),
            ({"name": "-lead"}, "model.team.is_valid.characters.app_error"),
            ({"name": "trail-"}, "model.team.is_valid.characters.app_error"),
            ({"name": "dot.ted"}, "model.team.is_valid.characters.app_error"),
            ({"name": "x" * 65}, "model.team.is_valid.url.app_error"),
            ({"name": "signupteam"}, "model.team.is_valid.reserved.app_error"),
            ({"name": "playbooks"}, "model.team.is_valid.reserved.app_error"),
            ({"display_name": ""}, "model.team.is_valid.name.app_error"),
            ({"display_name": "d" * 65}, "model.team.is_valid.name.app_error"),
            ({"description": "d" * 256}, "model.team.is_valid.description.app_error"),
            ({"company_name": "c" * 65}, "model.team.is_valid.company.app_error"),
            ({"type": "P"}, "model.team.is_valid.type.app_error"),
            ({"type": None}, "model.team.is_valid.type.app_error"),
        ],
    )
    def test_team_rules(
        self, client: Client, token: str, changes: dict[str, Any], error_id: str
    ) -> None:
        body = {"name": "gamma", "display_name": "Gamma", "type": "O", **changes}
        assert_error(call(client, "post", "/teams", token, body), 400, error_id)
        assert not Team.objects.exists()

    @pytest.mark.parametrize("name", ["ab", "a-b", "team42", "a__b", "z" * 64])
    def test_good_names(self, client: Client, token: str, name: str) -> None:
        body = {"name": name, "display_name": "Fine", "type": "I"}
        response = call(client, "post", "/teams", token, body)
        assert response.status_code == 201
        assert response.json()["name"] == name

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (["not", "an", "object"], "team"),
            ({"name": 5, "display_name": "X", "type": "O"}, "name"),
            ({"name": "gamma", "display_name": ["X"], "type": "O"}, "display_name"),
            (
                {"name": "gamma", "display_name": "X", "type": "O", "allow_open_invite": 1},
                "allow_open_invite",
            ),
        ],
    )
    def test_bad_bodies(self, client: Client, token: str, body: object, field: str) -> None:
        error = assert_error(call(client, "post", "/teams", token, body), 400, BODY_ERROR)
        assert f"'{field}'" in error["message"]

    def test_needs_create_team(self, client: Client, guest_token: str) -> None:
        body = {"name": "gamma", "display_name": "Gamma", "type": "O"}
        assert_error(
            call(client, "post", "/teams", guest_token, body),
            403,
            "api.team.is_team_creation_allowed.disabled.app_error",
        )


class TestList:
    def test_users_see_open_teams_and_only_their_secrets(
        self, client: Client, token: str, bob: str, open_team: Team, private_team: Team
    ) -> None:
        mine = call(client, "get", "/teams", token).json()
        assert [t["name"] for t in mine] == ["alpha"]
        assert (mine[0]["email"], mine[0]["invite_id"]) == (
            "alice@example.com",
            open_team.invite_id,
        )
        theirs = call(client, "get", "/teams", bob).json()
        assert [t["name"] for t in theirs] == ["alpha"]
        assert set(theirs[0]) == TEAM_KEYS
        assert (theirs[0]["email"], theirs[0]["invite_id"]) == ("", "")

    def test_admins_see_every_team_with_a_total(
        self, client: Client, root: str, open_team: Team, private_team: Team
    ) -> None:
        team_archive(team=private_team)
        response = call(client, "get", "/teams?include_total_count=true", root)
        body = response.json()
        assert set(body) == {"teams", "total_count"}
        assert body["total_count"] == 2
        assert [t["name"] for t in body["teams"]] == ["alpha", "beta"]
        assert body["teams"][1]["delete_at"] > 0
        assert body["teams"][1]["email"] == "alice@example.com"

    def test_archived_teams_disappear_for_users(
        self, client: Client, bob: str, open_team: Team
    ) -> None:
        team_archive(team=open_team)
        assert call(client, "get", "/teams", bob).json() == []
        body = call(client, "get", "/teams?include_total_count=true", bob).json()
        assert body == {"teams": [], "total_count": 0}

    def test_paging(self, client: Client, user: User, bob: str) -> None:
        for name in ("aa", "bb", "cc"):
            make_team(user, name)
        second = call(client, "get", "/teams?page=1&per_page=2&include_total_count=1", bob)
        assert [t["name"] for t in second.json()["teams"]] == ["cc"]
        assert second.json()["total_count"] == 3
        assert call(client, "get", "/teams?per_page=0", bob).json() == []

    def test_guests_may_not_list(self, client: Client, guest_token: str) -> None:
        assert_error(
            call(client, "get", "/teams", guest_token),
            403,
            "api.team.get_all_teams.insufficient_permissions",
        )

    def test_query_count_does_not_grow_with_the_page(
        self,
        client: Client,
        user: User,
        other_user: User,
        bob: str,
        django_assert_max_num_queries: Callable[..., Any],
    ) -> None:
        first = make_team(user, "team0")
        team_member_add(team=first, user=other_user)
        path = "/teams?include_total_count=true"
        call(client, "get", path, bob)  # caches the caller's session and user
        with CaptureQueriesContext(connection) as one:
            assert len(call(client, "get", path, bob).json()["teams"]) == 1
        queries_for_one = len(one)
        assert queries_for_one > 0
        Team.objects.bulk_create(
            Team(name=f"team{n}", display_name=f"Team {n}", type="O", allow_open_invite=True)
            for n in range(1, 30)
        )
        with django_assert_max_num_queries(queries_for_one):
            teams = call(client, "get", path, bob).json()["teams"]
        assert len(teams) == 30
        # bob is a member of team0 only: he sees its invite id and no other team's.
        assert [t["name"] for t in teams if t["invite_id"]] == ["team0"]


class TestGet:
    def test_members_see_the_team(self, client: Client, token: str, private_team: Team) -> None:
        response = call(client, "get", f"/teams/{private_team.id}", token)
        assert response.status_code == 200
        assert response.json()["email"] == "alice@example.com"
        assert "ETag" not in response  # Mattermost sends none for teams

    def test_anyone_sees_an_open_team_without_its_secrets(
        self, client: Client, bob: str, open_team: Team
    ) -> None:
        team = call(client, "get", f"/teams/{open_team.id}", bob).json()
        assert (team["name"], team["email"], team["invite_id"]) == ("alpha", "", "")

    def test_plain_members_see_the_invite_id_but_not_the_email(
        self, client: Client, other_user: User, bob: str, private_team: Team
    ) -> None:
        team_member_add(team=private_team, user=other_user)
        team = call(client, "get", f"/teams/{private_team.id}", bob).json()
        assert (team["email"], team["invite_id"]) == ("", private_team.invite_id)

    def test_private_teams_are_hidden_from_outsiders(
        self, client: Client, bob: str, private_team: Team
    ) -> None:
        assert_error(call(client, "get", f"/teams/{private_team.id}", bob), 403, FORBIDDEN)

    def test_unknown_and_malformed_ids(self, client: Client, bob: str) -> None:
        assert_error(call(client, "get", f"/teams/{UNKNOWN_ID}", bob), 404, MISSING_TEAM)
        assert_error(call(client, "get", "/teams/nope", bob), 400, URL_ERROR)

    def test_icon_time_is_sent_only_when_set(
        self, client: Client, token: str, open_team: Team
    ) -> None:
        assert (
            "last_team_icon_update"
            not in call(client, "get", f"/teams/{open_team.id}", token).json()
        )
        Team.objects.filter(pk=open_team.pk).update(last_team_icon_update=123)
        team = call(client, "get", f"/teams/{open_team.id}", token).json()
        assert team["last_team_icon_update"] == 123


class TestByName:
    def test_found(self, client: Client, bob: str, open_team: Team) -> None:
        assert call(client, "get", "/teams/name/alpha", bob).json()["id"] == open_team.id

    def test_errors(self, client: Client, bob: str, private_team: Team) -> None:
        assert_error(call(client, "get", "/teams/name/beta", bob), 403, FORBIDDEN)
        assert_error(
            call(client, "get", "/teams/name/nosuch", bob),
            404,
            "app.team.get_by_name.missing.app_error",
        )
        assert_error(call(client, "get", "/teams/name/Not-Valid", bob), 400, URL_ERROR)


class TestExists:
    def test_answers_only_what_the_caller_may_know(
        self, client: Client, token: str, bob: str, root: str, open_team: Team, private_team: Team
    ) -> None:
        def exists(name: str, caller: str) -> bool:
            response = call(client, "get", f"/teams/name/{name}/exists", caller)
            assert response.status_code == 200
            return bool(response.json()["exists"])

        assert exists("alpha", bob)
        assert not exists("beta", bob)  # not his team, and he may not list invite-only ones
        assert exists("beta", token)  # a member
        assert exists("beta", root)
        assert not exists("nosuch", root)

    def test_bad_name(self, client: Client, bob: str) -> None:
        assert_error(call(client, "get", "/teams/name/x/exists", bob), 400, URL_ERROR)


class TestUpdate:
    def test_put_replaces_the_editable_fields(
        self,
        client: Client,
        token: str,
        open_team: Team,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        body = {
            "id": open_team.id,
            "display_name": "Alpha Prime",
            "name": "renamed",  # not changed by an update
            "type": "I",  # nor this
            "allow_open_invite": True,
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "put", f"/teams/{open_team.id}", token, body)
        team = response.json()
        assert response.status_code == 200
        assert (team["display_name"], team["name"], team["type"]) == ("Alpha Prime", "alpha", "O")
        assert team["description"] == ""  # absent from the body: cleared
        assert team["update_at"] > open_team.update_at
        [sent] = team_events(published, "update_team")
        assert sent["display_name"] == "Alpha Prime"
        assert (sent["email"], sent["invite_id"]) == ("", "")

    def test_errors(self, client: Client, token: str, bob: str, root: str, open_team: Team) -> None:
        path = f"/teams/{open_team.id}"
        body = {"id": open_team.id, "display_name": "X"}
        assert_error(call(client, "put", path, token, {**body, "id": UNKNOWN_ID}), 400, BODY_ERROR)
        assert_error(
            call(client, "put", path, token, {**body, "display_name": ""}),
            400,
            "model.team.is_valid.name.app_error",
        )
        assert_error(call(client, "put", path, bob, body), 403, FORBIDDEN)
        missing = {**body, "id": UNKNOWN_ID}
        assert_error(call(client, "put", f"/teams/{UNKNOWN_ID}", root, missing), 404, MISSING_TEAM)
        assert_error(call(client, "put", "/teams/bad", token, body), 400, URL_ERROR)


class TestPatch:
    def test_patch_changes_only_what_is_sent(
        self, client: Client, token: str, open_team: Team
    ) -> None:
        body = {"description": "New words", "display_name": None, "company_name": "ACME"}
        team = call(client, "put", f"/teams/{open_team.id}/patch", token, body).json()
        assert (team["display_name"], team["description"], team["company_name"]) == (
            "Alpha",
            "New words",
            "ACME",
        )
        assert team["invite_id"] == open_team.invite_id
        assert team["update_at"] > open_team.update_at

    def test_closing_the_team_changes_its_invite_id(
        self, client: Client, token: str, open_team: Team
    ) -> None:
        path = f"/teams/{open_team.id}/patch"
        closed = call(client, "put", path, token, {"allow_open_invite": False}).json()
        assert closed["allow_open_invite"] is False
        assert closed["invite_id"] != open_team.invite_id
        again = call(client, "put", path, token, {"allow_open_invite": False}).json()
        assert again["invite_id"] == closed["invite_id"]  # already closed: nothing to revoke

    def test_group_constrained(self, client: Client, token: str, open_team: Team) -> None:
        path = f"/teams/{open_team.id}/patch"
        assert call(client, "put", path, token, {"group_constrained": True}).json()[
            "group_constrained"
        ]

    @pytest.mark.parametrize(
        ("body", "error_id"),
        [
            ({"display_name": 7}, BODY_ERROR),
            ({"allow_open_invite": "no"}, BODY_ERROR),
            ("text", BODY_ERROR),
            ({"display_name": "x" * 65}, "model.team.is_valid.name.app_error"),
            ({"description": "x" * 256}, "model.team.is_valid.description.app_error"),
        ],
    )
    def test_bad_bodies(
        self, client: Client, token: str, open_team: Team, body: object, error_id: str
    ) -> None:
        assert_error(
            call(client, "put", f"/teams/{open_team.id}/patch", token, body), 400, error_id
        )
        open_team.refresh_from_db()
        assert open_team.display_name == "Alpha"

    def test_errors(self, client: Client, bob: str, root: str, open_team: Team) -> None:
        body = {"display_name": "Mine"}
        assert_error(call(client, "put", f"/teams/{open_team.id}/patch", bob, body), 403, FORBIDDEN)
        assert_error(
            call(client, "put", f"/teams/{UNKNOWN_ID}/patch", root, body), 404, MISSING_TEAM
        )
        assert_error(call(client, "put", "/teams/bad/patch", root, body), 400, URL_ERROR)


class TestPrivacy:
    def test_invite_only_and_back(self, client: Client, token: str, open_team: Team) -> None:
        path = f"/teams/{open_team.id}/privacy"
        closed = call(client, "put", path, token, {"privacy": "I"}).json()
        assert (closed["type"], closed["allow_open_invite"]) == ("I", False)
        assert closed["invite_id"] != open_team.invite_id
        opened = call(client, "put", path, token, {"privacy": "O"}).json()
        assert (opened["type"], opened["allow_open_invite"]) == ("O", True)
        assert opened["invite_id"] == closed["invite_id"]
        assert opened["update_at"] >= closed["update_at"] > open_team.update_at

    @pytest.mark.parametrize("body", [{"privacy": "P"}, {"privacy": 1}, {}, ["O"]])
    def test_bad_bodies(self, client: Client, token: str, open_team: Team, body: object) -> None:
        error = assert_error(
            call(client, "put", f"/teams/{open_team.id}/privacy", token, body), 400, BODY_ERROR
        )
        assert "'privacy'" in error["message"]

    def test_errors(self, client: Client, bob: str, root: str, open_team: Team) -> None:
        body = {"privacy": "I"}
        path = "/teams/{}/privacy"
        assert_error(call(client, "put", path.format(open_team.id), bob, body), 403, FORBIDDEN)
        assert_error(call(client, "put", path.format(UNKNOWN_ID), root, body), 404, MISSING_TEAM)
        assert_error(call(client, "put", path.format("bad"), root, body), 400, URL_ERROR)


class TestArchiveAndRestore:
    def test_archive_then_restore(
        self,
        client: Client,
        token: str,
        bob: str,
        open_team: Team,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", f"/teams/{open_team.id}", token)
        assert response.json() == {"status": "OK"}
        open_team.refresh_from_db()
        assert open_team.delete_at > 0
        assert open_team.update_at >= open_team.delete_at
        assert Channel.objects.filter(team=open_team).count() == 2  # kept for a restore
        [archived] = team_events(published, "delete_team")
        assert archived["delete_at"] == open_team.delete_at
        assert (archived["email"], archived["invite_id"]) == ("", "")
        assert call(client, "get", "/teams", bob).json() == []

        with django_capture_on_commit_callbacks(execute=True):
            restored = call(client, "post", f"/teams/{open_team.id}/restore", token)
        assert restored.status_code == 200
        assert restored.json()["delete_at"] == 0
        assert restored.json()["email"] == "alice@example.com"
        assert [t["delete_at"] for t in team_events(published, "restore_team")] == [0]
        assert [t["name"] for t in call(client, "get", "/teams", bob).json()] == ["alpha"]

    @pytest.mark.parametrize(("method", "suffix"), [("delete", ""), ("post", "/restore")])
    def test_errors(
        self, client: Client, bob: str, root: str, open_team: Team, method: str, suffix: str
    ) -> None:
        assert_error(call(client, method, f"/teams/{open_team.id}{suffix}", bob), 403, FORBIDDEN)
        assert_error(call(client, method, f"/teams/{UNKNOWN_ID}{suffix}", root), 404, MISSING_TEAM)
        assert_error(call(client, method, f"/teams/bad{suffix}", root), 400, URL_ERROR)
        open_team.refresh_from_db()
        assert open_team.delete_at == 0


class TestPermanentDelete:
    def test_switched_off_by_default(self, client: Client, root: str, open_team: Team) -> None:
        assert_error(
            call(client, "delete", f"/teams/{open_team.id}?permanent=true", root),
            401,
            "api.user.delete_team.not_enabled.app_error",
        )
        assert Team.objects.filter(pk=open_team.pk, delete_at=0).exists()

    def test_needs_a_system_admin(
        self, client: Client, token: str, open_team: Team, mm_config: Callable[..., None]
    ) -> None:
        mm_config(enable_api_team_deletion=True)
        # alice is the team's admin, which is not enough to delete it for good
        assert_error(
            call(client, "delete", f"/teams/{open_team.id}?permanent=true", token), 403, FORBIDDEN
        )
        assert Team.objects.filter(pk=open_team.pk).exists()

    def test_removes_the_team_its_channels_and_memberships(
        self,
        client: Client,
        root: str,
        user: User,
        open_team: Team,
        private_team: Team,
        mm_config: Callable[..., None],
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        mm_config(enable_api_team_deletion=True)
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "delete", f"/teams/{open_team.id}?permanent=true", root)
        assert response.json() == {"status": "OK"}
        assert not Team.objects.filter(pk=open_team.pk).exists()
        assert not Channel.objects.filter(team_id=open_team.id).exists()
        assert not TeamMember.objects.filter(team_id=open_team.id).exists()
        assert not ChannelMember.objects.filter(channel__team_id=open_team.id).exists()
        assert [t["id"] for t in team_events(published, "delete_team")] == [open_team.id]
        # the other team is untouched
        assert TeamMember.objects.filter(team=private_team, user=user).exists()
        assert Channel.objects.filter(team=private_team).count() == 2


class TestSearch:
    @pytest.fixture
    def teams(self, user: User, open_team: Team, private_team: Team) -> list[Team]:
        gamma = make_team(user, "gamma", display_name="Design Crew")
        archived = make_team(user, "alphabet", display_name="Old Alphabet")
        team_archive(team=archived)
        return [open_team, private_team, gamma, archived]

    def test_users_find_open_live_teams_by_name_or_display_name(
        self, client: Client, bob: str, teams: list[Team]
    ) -> None:
        def found(body: dict[str, Any]) -> list[str]:
            response = call(client, "post", "/teams/search", bob, body)
            assert response.status_code == 200
            return [t["name"] for t in response.json()]

        assert found({"term": "ALPH"}) == ["alpha"]  # not archived "alphabet"
        assert found({"term": "crew"}) == ["gamma"]
        assert found({"term": "bet"}) == []  # "beta" is invite only
        assert found({"term": "", "allow_open_invite": False}) == ["alpha", "gamma"]
        assert found({"group_constrained": True}) == ["alpha", "gamma"]

    def test_users_get_no_paging(self, client: Client, bob: str, teams: list[Team]) -> None:
        assert_error(
            call(client, "post", "/teams/search", bob, {"term": "a", "page": 0}),
            501,
            "api.team.search_teams.pagination_not_implemented.public_team_search",
        )

    def test_admins_find_everything_and_may_page(
        self, client: Client, root: str, teams: list[Team]
    ) -> None:
        everything = call(client, "post", "/teams/search", root, {"term": "a"}).json()
        assert [t["name"] for t in everything] == ["alpha", "beta", "gamma", "alphabet"]
        body = {"term": "a", "page": 1, "per_page": 3}
        paged = call(client, "post", "/teams/search", root, body).json()
        assert [t["name"] for t in paged["teams"]] == ["alphabet"]
        assert paged["total_count"] == 4
        only_page = call(client, "post", "/teams/search", root, {"term": "a", "page": 0}).json()
        assert isinstance(only_page, list)  # both page and per_page are needed for paging
        private = {"term": "", "allow_open_invite": False}
        assert [t["name"] for t in call(client, "post", "/teams/search", root, private).json()] == [
            "beta"
        ]

    def test_group_constrained_filter(self, client: Client, root: str, teams: list[Team]) -> None:
        Team.objects.filter(name="beta").update(group_constrained=True)
        body: dict[str, Any] = {"group_constrained": True}
        assert [t["name"] for t in call(client, "post", "/teams/search", root, body).json()] == [
            "beta"
        ]
        # a group-constrained team is not counted among the invite-only ones
        body = {"allow_open_invite": False}
        assert call(client, "post", "/teams/search", root, body).json() == []

    def test_guests_find_nothing(self, client: Client, guest_token: str, teams: list[Team]) -> None:
        assert call(client, "post", "/teams/search", guest_token, {"term": "a"}).json() == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"term": 3}, "term"),
            ({"page": "1", "per_page": 2}, "page"),
            ({"page": 0, "per_page": -1}, "per_page"),
            ({"page": True, "per_page": 2}, "page"),
            ({"allow_open_invite": "yes"}, "allow_open_invite"),
            (["term"], "team_search"),
        ],
    )
    def test_bad_bodies(self, client: Client, root: str, body: object, field: str) -> None:
        error = assert_error(call(client, "post", "/teams/search", root, body), 400, BODY_ERROR)
        assert f"'{field}'" in error["message"]


class TestStats:
    def test_counts_members_and_active_members(
        self, client: Client, token: str, other_user: User, open_team: Team
    ) -> None:
        team_member_add(team=open_team, user=other_user)
        user_set_active(user=other_user, active=False)
        response = call(client, "get", f"/teams/{open_team.id}/stats", token)
        assert response.json() == {
            "team_id": open_team.id,
            "total_member_count": 2,
            "active_member_count": 1,
        }

    def test_errors(self, client: Client, bob: str, root: str, open_team: Team) -> None:
        assert_error(call(client, "get", f"/teams/{open_team.id}/stats", bob), 403, FORBIDDEN)
        assert_error(call(client, "get", f"/teams/{UNKNOWN_ID}/stats", root), 404, MISSING_TEAM)
        assert_error(call(client, "get", "/teams/bad/stats", root), 400, URL_ERROR)


class TestRegenerateInviteId:
    def test_gives_a_new_invite_id(
        self,
        client: Client,
        token: str,
        open_team: Team,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        old_invite_id = open_team.invite_id
        with django_capture_on_commit_callbacks(execute=True):
            response = call(client, "post", f"/teams/{open_team.id}/regenerate_invite_id", token)
        team = response.json()
        assert response.status_code == 200
        assert team["invite_id"] != old_invite_id
        assert team["email"] == "alice@example.com"
        assert team["update_at"] > open_team.update_at
        assert [t["invite_id"] for t in team_events(published, "update_team")] == [""]
        assert call(client, "get", f"/teams/invite/{team['invite_id']}").status_code == 200
        assert_error(
            call(client, "get", f"/teams/invite/{old_invite_id}"),
            404,
            "app.team.get_by_invite_id.finding.app_error",
        )

    def test_email_follows_the_privacy_setting(
        self, client: Client, token: str, open_team: Team, mm_config: Callable[..., None]
    ) -> None:
        mm_config(show_email_address=False)
        path = f"/teams/{open_team.id}/regenerate_invite_id"
        assert call(client, "post", path, token).json()["email"] == ""

    def test_errors(
        self, client: Client, other_user: User, bob: str, root: str, open_team: Team
    ) -> None:
        team_member_add(team=open_team, user=other_user)  # a member, but not its admin
        path = "/teams/{}/regenerate_invite_id"
        assert_error(call(client, "post", path.format(open_team.id), bob), 403, FORBIDDEN)
        assert_error(call(client, "post", path.format(UNKNOWN_ID), root), 404, MISSING_TEAM)
        assert_error(call(client, "post", path.format("bad"), root), 400, URL_ERROR)


class TestInviteInfo:
    def test_anyone_may_look_at_an_open_team_invite(self, client: Client, open_team: Team) -> None:
        response = call(client, "get", f"/teams/invite/{open_team.invite_id}")
        assert response.status_code == 200
        assert response.json() == {
            "id": open_team.id,
            "name": "alpha",
            "display_name": "Alpha",
            "description": "The first team",
        }

    def test_unknown_invites_and_invite_only_teams(
        self, client: Client, private_team: Team
    ) -> None:
        assert_error(
            call(client, "get", f"/teams/invite/{UNKNOWN_ID}"),
            404,
            "app.team.get_by_invite_id.finding.app_error",
        )
        assert_error(
            call(client, "get", f"/teams/invite/{private_team.invite_id}"),
            403,
            "api.team.get_invite_info.not_open_team",
        )
