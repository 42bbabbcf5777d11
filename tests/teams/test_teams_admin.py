from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.channels.models import ChannelMember
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_archive, team_create, team_member_add

pytestmark = pytest.mark.django_db

TEAMS = "/admin/teams/team/"
MEMBERS = "/admin/teams/teammember/"


def make_team(creator: User, name: str, **fields: Any) -> Team:
    return team_create(creator=creator, name=name, display_name=name.title(), type="O", **fields)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [TEAMS, MEMBERS])
def test_changelists_cost_the_same_for_1_row_as_for_30(
    client: Client,
    admin: User,
    user: User,
    url: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client.force_login(admin)
    make_team(user, "team0")
    client.get(url)  # warms the session and the admin's caches
    budget = queries_for(client, url)
    for n in range(1, 30):
        make_team(user, f"team{n}")
    with django_assert_max_num_queries(budget):
        page = client.get(url).content.decode()
    assert "team29" in page


def test_only_system_admins_get_in(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get(TEAMS).status_code == 302  # to the login page


def test_filters_and_search(client: Client, admin: User, user: User) -> None:
    make_team(user, "alpha")
    team_archive(team=make_team(user, "omega"))
    client.force_login(admin)
    archived = client.get(f"{TEAMS}?archived=yes").content.decode()
    assert "omega" in archived
    assert "alpha" not in archived
    found = client.get(f"{TEAMS}?q=alp").content.decode()
    assert "alpha" in found
    assert "omega" not in found


def test_archive_and_restore_actions(client: Client, admin: User, user: User) -> None:
    team = make_team(user, "alpha")
    client.force_login(admin)
    response = client.post(TEAMS, {"action": "archive", "_selected_action": [team.pk]})
    assert response.status_code == 302
    team.refresh_from_db()
    archived_at = team.delete_at
    assert archived_at > 0
    assert team.update_at >= archived_at
    client.post(TEAMS, {"action": "restore", "_selected_action": [team.pk]})
    team.refresh_from_db()
    assert team.delete_at == 0


def inline_form(team: Team, new: tuple[str, ...] = (), **fields: str) -> dict[str, str]:
    """The team change form as a browser posts it: the team fields and the users picked
    to be added."""
    data = {
        "display_name": team.display_name,
        "description": team.description,
        "company_name": team.company_name,
        "allowed_domains": team.allowed_domains,
        "allow_open_invite": "on" if team.allow_open_invite else "",
        "group_constrained": "unknown",
        "members-TOTAL_FORMS": str(len(new)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, user_id in enumerate(new):
        data[f"members-{index}-user"] = user_id
        data[f"members-{index}-team"] = team.pk
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_team_goes_through_the_rules(client: Client, admin: User, user: User) -> None:
    team = make_team(user, "alpha")
    client.force_login(admin)
    url = f"{TEAMS}{team.pk}/change/"
    refused = client.post(url, inline_form(team, display_name="d" * 65))
    assert refused.status_code == 200  # the form again, with the error
    assert "display name" in refused.content.decode()
    saved = client.post(url, inline_form(team, description="Edited here"))
    assert saved.status_code == 302
    team.refresh_from_db()
    assert team.description == "Edited here"


def test_members_added_and_removed_through_the_services(
    client: Client, admin: User, user: User, other_user: User
) -> None:
    team = make_team(user, "alpha")
    client.force_login(admin)
    url = f"{TEAMS}{team.pk}/change/"
    response = client.post(url, inline_form(team, new=(other_user.pk,)))
    assert response.status_code == 302
    bob = TeamMember.objects.get(team=team, user=other_user)
    assert bob.roles == "team_user"
    # joined through the service, so he is in the default channels too
    assert ChannelMember.objects.filter(user=other_user, channel__team=team).count() == 2
    page = client.get(url).content.decode()
    assert f'2 — <a href="{MEMBERS}?team={team.pk}&amp;current=yes">' in page

    removed = client.post(MEMBERS, {"action": "remove", "_selected_action": [bob.pk]}, follow=True)
    assert "Removed from their team: 1." in removed.content.decode()
    bob.refresh_from_db()
    assert bob.delete_at > 0  # left the team, row kept
    assert not ChannelMember.objects.filter(user=other_user, channel__team=team).exists()
    current = client.get(f"{MEMBERS}?team={team.pk}&current=yes").content.decode()
    assert "alice" in current
    assert "bob" not in current

    client.post(url, inline_form(team, new=(other_user.pk,)))  # back again
    bob.refresh_from_db()
    assert bob.delete_at == 0
    again = client.post(url, inline_form(team, new=(other_user.pk,)))
    assert again.status_code == 302  # adding a current member changes nothing
    assert TeamMember.objects.filter(team=team, user=other_user).count() == 1


def test_team_admin_role_actions(client: Client, admin: User, user: User, other_user: User) -> None:
    team = make_team(user, "alpha")
    bob = team_member_add(team=team, user=other_user)
    client.force_login(admin)
    client.post(MEMBERS, {"action": "make_admin", "_selected_action": [bob.pk]})
    bob.refresh_from_db()
    assert bob.roles == "team_user team_admin"
    client.post(MEMBERS, {"action": "make_member", "_selected_action": [bob.pk]})
    bob.refresh_from_db()
    assert bob.roles == "team_user"


def test_membership_list_shows_roles(
    client: Client, admin: User, user: User, other_user: User
) -> None:
    team = make_team(user, "alpha")
    team_member_add(team=team, user=other_user)
    client.force_login(admin)
    page = client.get(f"{MEMBERS}?q=bob").content.decode()
    assert "team_user" in page
    assert "team_admin" not in page
