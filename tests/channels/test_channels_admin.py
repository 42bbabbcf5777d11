from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_member_add,
    direct_channel_get_or_create,
)
from apps.posts.models import Post
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add

pytestmark = pytest.mark.django_db

CHANNELS = "/admin/channels/channel/"
MEMBERS = "/admin/channels/channelmember/"


@pytest.fixture
def team(user: User) -> Team:
    return team_create(creator=user, name="alpha", display_name="Alpha", type="O")


def make_channel(team: Team, creator: User, name: str, type: str = "O") -> Channel:
    return channel_create(
        team=team, creator=creator, name=name, display_name=name.title(), type=type
    )


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [CHANNELS, MEMBERS])
def test_changelists_cost_the_same_for_1_row_as_for_30(
    client: Client,
    admin: User,
    user: User,
    team: Team,
    url: str,
    django_assert_max_num_queries: Any,
) -> None:
    Channel.objects.filter(team=team).delete()  # start from one channel, not the defaults
    client.force_login(admin)
    make_channel(team, user, "room0")
    client.get(url)  # warms the session and the admin's caches
    budget = queries_for(client, url)
    for n in range(1, 30):
        make_channel(team, user, f"room{n}", type="OP"[n % 2])
    with django_assert_max_num_queries(budget):
        page = client.get(url).content.decode()
    assert "room29" in page


def test_only_system_admins_get_in(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get(CHANNELS).status_code == 302  # to the login page


def test_filters_and_search(client: Client, admin: User, user: User, team: Team) -> None:
    make_channel(team, user, "lively")
    channel_archive(channel=make_channel(team, user, "dusty"))
    make_channel(team, user, "hidden", type="P")
    client.force_login(admin)
    archived = client.get(f"{CHANNELS}?archived=yes").content.decode()
    assert "dusty" in archived
    assert "lively" not in archived
    private = client.get(f"{CHANNELS}?type__exact=P").content.decode()
    assert "hidden" in private
    assert "lively" not in private
    found = client.get(f"{CHANNELS}?q=live").content.decode()
    assert "lively" in found
    assert "dusty" not in found


def test_actions_go_through_the_services(
    client: Client, admin: User, user: User, team: Team
) -> None:
    channel = make_channel(team, user, "lively")
    square = Channel.objects.get(team=team, name="town-square")
    client.force_login(admin)
    selected = [channel.pk, square.pk]
    archived = client.post(CHANNELS, {"action": "archive", "_selected_action": selected})
    assert archived.status_code == 302
    channel.refresh_from_db()
    square.refresh_from_db()
    assert channel.delete_at > 0
    assert square.delete_at == 0  # town-square is never archived
    messages = client.get(CHANNELS).content.decode()
    assert "town-square" in messages

    client.post(CHANNELS, {"action": "restore", "_selected_action": [channel.pk]})
    channel.refresh_from_db()
    assert channel.delete_at == 0

    client.post(CHANNELS, {"action": "convert", "_selected_action": selected})
    channel.refresh_from_db()
    square.refresh_from_db()
    assert channel.type == "P"
    assert square.type == "O"  # town-square stays public


def change_form(channel: Channel, new: tuple[str, ...] = (), **fields: str) -> dict[str, Any]:
    """The channel change form as a browser posts it: the fields and the users picked to
    be added."""
    data: dict[str, Any] = {
        "display_name": channel.display_name,
        "name": channel.name,
        "header": channel.header,
        "purpose": channel.purpose,
        "members-TOTAL_FORMS": str(len(new)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, user_id in enumerate(new):
        data[f"members-{index}-user"] = user_id
        data[f"members-{index}-channel"] = channel.pk
    return {key: value for key, value in data.items() if value != ""}


def test_editing_a_channel_goes_through_the_rules(
    client: Client, admin: User, user: User, team: Team
) -> None:
    channel = make_channel(team, user, "lively")
    client.force_login(admin)
    url = f"{CHANNELS}{channel.pk}/change/"
    refused = client.post(url, change_form(channel, name="Not Valid"))
    assert refused.status_code == 200  # the form again, with the error
    assert "Channel names" in refused.content.decode()
    taken = client.post(url, change_form(channel, name="off-topic"))
    assert taken.status_code == 200
    assert "already has that name" in taken.content.decode()
    channel.refresh_from_db()
    assert channel.name == "lively"
    Channel.objects.filter(pk=channel.pk).update(update_at=1000)
    saved = client.post(url, change_form(channel, header="Edited here"))
    assert saved.status_code == 302
    channel.refresh_from_db()
    assert channel.header == "Edited here"
    assert channel.update_at > 1000


def test_members_added_and_removed_through_the_services(
    client: Client, admin: User, user: User, other_user: User, team: Team
) -> None:
    channel = make_channel(team, user, "lively")
    client.force_login(admin)
    url = f"{CHANNELS}{channel.pk}/change/"
    outsider = client.post(url, change_form(channel, new=(other_user.pk,)), follow=True)
    refusal = "Bob: That user is not a member of the channel&#x27;s team."  # capitalised
    assert refusal in outsider.content.decode()
    assert not ChannelMember.objects.filter(channel=channel, user=other_user).exists()

    team_member_add(team=team, user=other_user)
    response = client.post(url, change_form(channel, new=(other_user.pk,)))
    assert response.status_code == 302
    bob = ChannelMember.objects.get(channel=channel, user=other_user)
    assert bob.roles == "channel_user"
    assert bob.last_viewed_at > 0  # joined through the service: nothing is unread
    assert Post.objects.filter(channel=channel, type="system_add_to_channel").exists()
    page = client.get(url).content.decode()
    assert f'2 — <a href="{MEMBERS}?channel={channel.pk}">' in page

    client.post(MEMBERS, {"action": "make_admin", "_selected_action": [bob.pk]})
    bob.refresh_from_db()
    assert bob.roles == "channel_user channel_admin"
    client.post(MEMBERS, {"action": "make_member", "_selected_action": [bob.pk]})
    bob.refresh_from_db()
    assert bob.roles == "channel_user"

    listed = client.get(f"{MEMBERS}?channel={channel.pk}").content.decode()
    assert "alice" in listed
    assert "bob" in listed
    removed = client.post(MEMBERS, {"action": "remove", "_selected_action": [bob.pk]}, follow=True)
    assert "Removed from their channel: 1." in removed.content.decode()
    assert not ChannelMember.objects.filter(channel=channel, user=other_user).exists()
    assert Post.objects.filter(channel=channel, type="system_remove_from_channel").exists()


def test_move_asks_for_the_team_then_moves_through_the_service(
    client: Client, admin: User, user: User, other_user: User, team: Team
) -> None:
    channel = make_channel(team, user, "lively")
    channel_member_add(channel=channel, user=other_user)
    beta = team_create(creator=user, name="beta", display_name="Beta", type="O")
    client.force_login(admin)
    step_one = client.post(CHANNELS, {"action": "move", "_selected_action": [channel.pk]})
    assert step_one.status_code == 200
    page = step_one.content.decode()
    assert "Lively (alpha:lively)" in page
    assert '<option value="' + beta.pk + '">beta</option>' in page

    choice = {"action": "move", "_selected_action": [channel.pk], "apply": "1", "team": beta.pk}
    refused = client.post(CHANNELS, choice, follow=True)
    assert "not members of the new team" in refused.content.decode()
    channel.refresh_from_db()
    assert channel.team_id == team.pk

    moved = client.post(CHANNELS, {**choice, "force": "on"}, follow=True)
    assert "Moved to beta: 1." in moved.content.decode()
    channel.refresh_from_db()
    assert channel.team_id == beta.pk
    assert not ChannelMember.objects.filter(channel=channel, user=other_user).exists()

    direct = direct_channel_get_or_create(user=user, other_user=admin).channel
    only_direct = {"action": "move", "_selected_action": [direct.pk]}
    warned = client.post(CHANNELS, only_direct, follow=True).content.decode()
    assert "Direct and group messages belong to no team." in warned

    no_team = client.post(CHANNELS, {**choice, "team": "nope"})
    assert no_team.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in no_team.content.decode()


def test_membership_list_shows_roles(
    client: Client, admin: User, user: User, other_user: User, team: Team
) -> None:
    channel = make_channel(team, user, "lively")
    channel_member_add(channel=channel, user=other_user)
    client.force_login(admin)
    page = client.get(f"{MEMBERS}?q=lively").content.decode()
    assert "channel_user channel_admin" in page
    assert "bob" in page
