"""User list, search and autocomplete scoped to teams and channels."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.channels.models import Channel
from apps.channels.services import channel_member_add
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(user: User) -> Team:
    return team_create(creator=user, display_name="Alpha", name="alpha", type="O")


@pytest.fixture
def outsider(db: None) -> User:
    return user_create(
        username="zed", email="zed@example.com", password="passw0rd!", roles="system_user"
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["username"] for u in response.json()]


def test_in_team_and_not_in_team(
    client: Client, user: User, other_user: User, outsider: User, team: Team, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    assert names(client.get(f"/api/v4/users?in_team={team.id}", **bearer(token))) == [
        "alice",
        "bob",
    ]
    assert names(client.get(f"/api/v4/users?not_in_team={team.id}", **bearer(token))) == ["zed"]


def test_team_lists_need_view_team(client: Client, team: Team, outsider: User, login) -> None:
    _, zed = login(outsider)
    assert_error(
        client.get(f"/api/v4/users?in_team={team.id}", **bearer(zed)),
        403,
        "api.context.permissions.app_error",
    )


def test_in_team_has_an_etag_that_follows_membership(
    client: Client, user: User, other_user: User, team: Team, token: str
) -> None:
    first = client.get(f"/api/v4/users?in_team={team.id}", **bearer(token))
    etag = first["ETag"]
    again = client.get(f"/api/v4/users?in_team={team.id}", HTTP_IF_NONE_MATCH=etag, **bearer(token))
    assert again.status_code == 304
    team_member_add(team=team, user=other_user)
    changed = client.get(
        f"/api/v4/users?in_team={team.id}", HTTP_IF_NONE_MATCH=etag, **bearer(token)
    )
    assert changed.status_code == 200
    assert "bob" in names(changed)


def test_without_team_is_for_admins(
    client: Client, user: User, outsider: User, team: Team, token: str, admin: User, login
) -> None:
    assert_error(
        client.get("/api/v4/users?without_team=true", **bearer(token)),
        403,
        "api.context.permissions.app_error",
    )
    _, root = login(admin)
    assert names(client.get("/api/v4/users?without_team=true", **bearer(root))) == ["root", "zed"]


def test_channel_scopes_and_sorting(
    client: Client, user: User, other_user: User, team: Team, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    private = Channel.objects.create(team=team, type="P", name="secret", display_name="Secret")
    channel_member_add(channel=private, user=user, admin=True)
    assert names(client.get(f"/api/v4/users?in_channel={private.id}", **bearer(token))) == ["alice"]
    outside = client.get(
        f"/api/v4/users?in_team={team.id}&not_in_channel={private.id}", **bearer(token)
    )
    assert names(outside) == ["bob"]
    assert_error(
        client.get(f"/api/v4/users?not_in_channel={private.id}", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )
    channel_member_add(channel=private, user=other_user)
    by_admin = client.get(f"/api/v4/users?in_channel={private.id}&sort=admin", **bearer(token))
    assert names(by_admin) == ["alice", "bob"]
    by_status = client.get(f"/api/v4/users?in_channel={private.id}&sort=status", **bearer(token))
    assert names(by_status)[0] == "alice"  # she is online: she made requests


def test_private_channel_members_are_hidden_from_non_members(
    client: Client, user: User, other_user: User, team: Team, login
) -> None:
    team_member_add(team=team, user=other_user)
    private = Channel.objects.create(team=team, type="P", name="secret", display_name="Secret")
    channel_member_add(channel=private, user=user)
    _, bob = login(other_user)
    assert_error(
        client.get(f"/api/v4/users?in_channel={private.id}", **bearer(bob)),
        403,
        "api.context.permissions.app_error",
    )


def test_newest_members_first(
    client: Client, user: User, other_user: User, team: Team, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    assert names(
        client.get(f"/api/v4/users?in_team={team.id}&sort=create_at", **bearer(token))
    ) == ["bob", "alice"]


def test_search_within_a_team(
    client: Client, user: User, other_user: User, outsider: User, team: Team, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    body = {"term": "", "team_id": team.id}
    response = client.post(
        "/api/v4/users/search",
        json.dumps({**body, "term": "b"}),
        content_type="application/json",
        **bearer(token),
    )
    assert names(response) == ["bob"]
    everyone_z = client.post(
        "/api/v4/users/search",
        json.dumps({"term": "z", "not_in_team_id": team.id}),
        content_type="application/json",
        **bearer(token),
    )
    assert names(everyone_z) == ["zed"]
    bad = client.post(
        "/api/v4/users/search",
        json.dumps({"term": "z", "team_id": "nope"}),
        content_type="application/json",
        **bearer(token),
    )
    assert_error(bad, 400, "api.context.invalid_body_param.app_error")


def test_autocomplete_in_a_channel(
    client: Client, user: User, other_user: User, team: Team, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    private = Channel.objects.create(team=team, type="P", name="secret", display_name="Secret")
    channel_member_add(channel=private, user=user)
    body = client.get(
        f"/api/v4/users/autocomplete?in_team={team.id}&in_channel={private.id}&name=",
        **bearer(token),
    ).json()
    assert [u["username"] for u in body["users"]] == ["alice"]
    assert [u["username"] for u in body["out_of_channel"]] == ["bob"]
    missing_team = client.get(
        f"/api/v4/users/autocomplete?in_channel={private.id}&name=a", **bearer(token)
    )
    assert_error(missing_team, 400, "api.user.autocomplete_users.missing_team_id.app_error")


def test_team_list_query_budget(
    client: Client, user: User, team: Team, token: str, django_assert_max_num_queries
) -> None:
    client.get("/api/v4/users/me", **bearer(token))
    with django_assert_max_num_queries(4):
        names(client.get(f"/api/v4/users?in_team={team.id}", **bearer(token)))
    for i in range(20):
        member = user_create(
            username=f"m{i:02d}",
            email=f"m{i:02d}@example.com",
            password="passw0rd!",
            roles="system_user",
        )
        team_member_add(team=team, user=member)
    with django_assert_max_num_queries(4):
        assert len(names(client.get(f"/api/v4/users?in_team={team.id}", **bearer(token)))) == 21
