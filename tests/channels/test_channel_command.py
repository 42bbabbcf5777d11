from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.accounts.services import user_create, user_set_active
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import channel_archive, channel_create, channel_member_add
from apps.core.events import Event
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("channel", *args, stdout=out)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    return str(raised.value)


@pytest.fixture
def team(user: User, other_user: User) -> Team:
    """alice's team; bob is a member."""
    team = team_create(creator=user, name="alpha", display_name="Alpha", type="O")
    team_member_add(team=team, user=other_user)
    return team


@pytest.fixture
def other_team(user: User) -> Team:
    return team_create(creator=user, name="beta", display_name="Beta", type="O")


@pytest.fixture
def lively(team: Team, user: User) -> Channel:
    return channel_create(team=team, creator=user, name="lively", display_name="Lively", type="O")


class TestCreate:
    def test_creates_a_public_channel_without_members(self, team: Team) -> None:
        out = run("create", "--team", "alpha", "--name", "news", "--display-name", "News")
        channel = Channel.objects.get(team=team, name="news")
        assert channel.id in out
        assert (channel.type, channel.display_name, channel.creator_id) == ("O", "News", "")
        assert not ChannelMember.objects.filter(channel=channel).exists()

    def test_private_with_an_owner(self, team: Team, user: User) -> None:
        run(
            "create",
            "--team",
            team.id,
            "--name",
            "hush",
            "--display-name",
            "Hush",
            "--private",
            "--owner",
            "alice@example.com",
        )
        channel = Channel.objects.get(team=team, name="hush")
        assert channel.type == "P"
        assert ChannelMember.objects.get(channel=channel, user=user).scheme_admin

    def test_refuses_bad_input(self, team: Team, lively: Channel) -> None:
        base = ("create", "--team", "alpha", "--display-name", "X")
        assert "already exists" in fails(*base, "--name", "lively")
        assert "Channel names" in fails(*base, "--name", "Not Valid")
        assert "No team" in fails(
            "create", "--team", "nosuch", "--name", "x", "--display-name", "X"
        )
        assert "No user" in fails(*base, "--name", "x", "--owner", "nobody")


class TestList:
    def test_lists_live_or_archived_channels(
        self, team: Team, other_team: Team, lively: Channel
    ) -> None:
        channel_archive(channel=lively)
        live = run("list")
        assert "alpha:town-square" in live
        assert "beta:off-topic" in live
        assert "alpha:lively" not in live
        assert "alpha:lively" in run("list", "--archived")
        rows = json.loads(run("list", "--team", "beta", "--json"))
        assert [(row["team"], row["name"]) for row in rows] == [
            ("beta", "off-topic"),
            ("beta", "town-square"),
        ]
        assert set(rows[0]) == {"id", "team", "name", "display_name", "type", "delete_at"}


class TestArchiveAndRestore:
    def test_archive_then_restore(self, lively: Channel) -> None:
        assert "now archived" in run("archive", "alpha:lively")
        lively.refresh_from_db()
        assert lively.delete_at > 0
        assert "already archived" in fails("archive", "alpha:lively")
        assert "active again" in run("restore", f"alpha:{lively.id}")
        lively.refresh_from_db()
        assert lively.delete_at == 0
        assert "not archived" in fails("restore", "alpha:lively")

    def test_refusals(self, team: Team) -> None:
        assert "cannot be archived" in fails("archive", "alpha:town-square")
        assert "TEAM:CHANNEL" in fails("archive", "lively")
        assert "TEAM:CHANNEL" in fails("archive", "alpha:")
        assert "no channel" in fails("archive", "alpha:nosuch")
        assert "No team" in fails("archive", "nosuch:lively")


class TestMembers:
    def test_add_and_remove(
        self,
        lively: Channel,
        other_user: User,
        published: list[Event],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        assert "now a member" in run("add", "alpha:lively", "bob")
        assert ChannelMember.objects.filter(channel=lively, user=other_user).exists()
        assert "already a member" in fails("add", "alpha:lively", "bob")
        with django_capture_on_commit_callbacks(execute=True):
            assert "has left" in run("remove", "alpha:lively", "bob@example.com")
        assert not ChannelMember.objects.filter(channel=lively, user=other_user).exists()
        removed = [event for event in published if event.event == "user_removed"]
        assert removed[0].broadcast.channel_id == lively.id
        assert removed[0].data == {"user_id": other_user.id, "remover_id": other_user.id}
        assert removed[1].broadcast.user_id == other_user.id
        assert removed[1].data == {"channel_id": lively.id, "remover_id": other_user.id}
        assert "not a member of the channel" in fails("remove", "alpha:lively", "bob")

    def test_refusals(self, lively: Channel, user: User) -> None:
        user_create(username="carol", email="carol@example.com", password="passw0rd!")
        assert "not a member of the team" in fails("add", "alpha:lively", "carol")
        assert "No user" in fails("add", "alpha:lively", "nobody")
        assert "town-square" in fails("remove", "alpha:town-square", "alice")
        channel_archive(channel=lively)
        assert "archived" in fails("add", "alpha:lively", "bob")


class TestMove:
    def test_moves_when_every_member_is_in_the_new_team(
        self, lively: Channel, other_team: Team
    ) -> None:
        Channel.objects.filter(pk=lively.pk).update(update_at=1000)
        assert "now in beta" in run("move", "alpha:lively", "beta")
        lively.refresh_from_db()
        assert lively.team_id == other_team.id
        assert lively.update_at > 1000

    def test_members_outside_the_new_team_hold_it_up_unless_forced(
        self, lively: Channel, other_team: Team, other_user: User
    ) -> None:
        channel_member_add(channel=lively, user=other_user)
        message = fails("move", "alpha:lively", "beta")
        assert "bob" in message
        assert "--force" in message
        lively.refresh_from_db()
        assert lively.team_id != other_team.id
        run("move", "alpha:lively", "beta", "--force")
        lively.refresh_from_db()
        assert lively.team_id == other_team.id
        assert not ChannelMember.objects.filter(channel=lively, user=other_user).exists()

    def test_deactivated_members_are_dropped(
        self, lively: Channel, other_team: Team, other_user: User
    ) -> None:
        channel_member_add(channel=lively, user=other_user)
        user_set_active(user=other_user, active=False)
        run("move", "alpha:lively", "beta")
        assert not ChannelMember.objects.filter(channel=lively, user=other_user).exists()

    def test_refusals(self, lively: Channel, other_team: Team, user: User) -> None:
        assert "already in alpha" in fails("move", "alpha:lively", "alpha")
        assert "No team" in fails("move", "alpha:lively", "nosuch")
        channel_create(team=other_team, creator=user, name="lively", display_name="L", type="O")
        assert "already exists" in fails("move", "alpha:lively", "beta")
        lively.refresh_from_db()
        assert lively.team_id != other_team.id


def test_bad_input_exits_non_zero_with_the_message(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "channel", "archive", "nosuch:room"]).execute()
    assert exited.value.code == 1
    assert "No team has the name or id 'nosuch'" in capsys.readouterr().err
