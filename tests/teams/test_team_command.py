from __future__ import annotations

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.channels.models import ChannelMember
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_archive, team_create

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("team", *args, stdout=out)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    return str(raised.value)


@pytest.fixture
def team(user: User) -> Team:
    return team_create(creator=user, name="alpha", display_name="Alpha", type="O")


class TestCreate:
    def test_creates_a_team_owned_by_the_user(self, user: User) -> None:
        out = run("create", "--name", "sales", "--display-name", "Sales", "--owner", "alice")
        team = Team.objects.get(name="sales")
        assert team.id in out
        assert (team.type, team.allow_open_invite, team.email) == ("O", True, user.email)
        assert TeamMember.objects.get(team=team, user=user).roles == "team_user team_admin"
        assert ChannelMember.objects.filter(user=user, channel__team=team).count() == 2

    def test_invite_only_and_owner_by_email(self, user: User) -> None:
        run(
            "create",
            "--name",
            "board",
            "--display-name",
            "Board",
            "--type",
            "I",
            "--owner",
            "alice@example.com",
        )
        team = Team.objects.get(name="board")
        assert (team.type, team.allow_open_invite) == ("I", False)

    def test_refuses_bad_input(self, user: User, team: Team) -> None:
        base = ("create", "--display-name", "X", "--owner", "alice")
        assert "reserved" in fails(*base, "--name", "admins")
        assert "exists" in fails(*base, "--name", "alpha")
        assert "nobody" in fails(
            "create", "--name", "ok", "--display-name", "X", "--owner", "nobody"
        )
        assert Team.objects.count() == 1

    def test_bad_type_exits_non_zero(self, user: User) -> None:
        args = ["create", "--name", "x1", "--display-name", "X", "--owner", "alice"]
        with pytest.raises(CommandError):
            run(*args, "--type", "P")


class TestList:
    def test_lists_live_or_archived_teams(self, user: User, team: Team) -> None:
        old = team_create(creator=user, name="omega", display_name="Omega", type="I")
        team_archive(team=old)
        assert "alpha" in run("list")
        assert "omega" not in run("list")
        archived = json.loads(run("list", "--json", "--archived"))
        assert [row["name"] for row in archived] == ["omega"]
        assert archived[0]["delete_at"] > 0
        assert set(archived[0]) == {
            "id",
            "name",
            "display_name",
            "type",
            "allow_open_invite",
            "delete_at",
        }


class TestArchiveAndRestore:
    def test_by_name_and_by_id(self, team: Team) -> None:
        assert "archived" in run("archive", "alpha")
        team.refresh_from_db()
        assert team.delete_at > 0
        assert "already archived" in fails("archive", team.id)
        assert "active again" in run("restore", team.id)
        team.refresh_from_db()
        assert team.delete_at == 0
        assert "not archived" in fails("restore", "alpha")

    def test_unknown_team(self, db: None) -> None:
        assert "nosuch" in fails("archive", "nosuch")


class TestMembers:
    def test_add_and_remove(self, team: Team, other_user: User) -> None:
        assert "a member of alpha" in run("add", "alpha", "bob")
        member = TeamMember.objects.get(team=team, user=other_user)
        assert member.roles == "team_user"
        assert ChannelMember.objects.filter(user=other_user, channel__team=team).count() == 2
        assert "already a member" in fails("add", "alpha", "bob@example.com")
        assert "has left" in run("remove", "alpha", other_user.id)
        member.refresh_from_db()
        assert member.delete_at > 0
        assert "not a member" in fails("remove", "alpha", "bob")

    def test_add_as_admin(self, team: Team, other_user: User) -> None:
        assert "an admin of alpha" in run("add", team.id, "bob", "--admin")
        assert TeamMember.objects.get(team=team, user=other_user).roles == "team_user team_admin"

    def test_service_rules_become_command_errors(
        self, team: Team, other_user: User, mm_config
    ) -> None:
        mm_config(max_users_per_team=1)
        assert "maximum" in fails("add", "alpha", "bob")
        assert not TeamMember.objects.filter(team=team, user=other_user).exists()

    def test_unknown_user(self, team: Team) -> None:
        assert "nobody" in fails("add", "alpha", "nobody")


def test_bad_input_exits_non_zero_with_the_message(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "team", "archive", "nosuch"]).execute()
    assert exited.value.code == 1
    assert "No team has the name or id 'nosuch'" in capsys.readouterr().err
