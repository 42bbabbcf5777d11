from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.channels.models import Channel, ChannelMember
from apps.core.errors import AppError
from apps.teams.models import Team, TeamMember
from apps.teams.permissions import has_team_permission
from apps.teams.services import team_create, team_member_add, team_member_remove, team_sign_up

pytestmark = pytest.mark.django_db


def make_team(creator: User, **changes: object) -> Team:
    fields = {"display_name": "Alpha Team", "name": "alpha", "type": "O", **changes}
    return team_create(creator=creator, **fields)  # type: ignore[arg-type]


def test_creating_a_team_makes_the_creator_its_admin(user: User) -> None:
    team = make_team(user)
    assert team.email == user.email
    member = TeamMember.objects.get(team=team, user=user)
    assert member.roles == "team_user team_admin"
    assert has_team_permission(user, team.id, "manage_team")


def test_a_new_team_has_its_default_channels_and_the_creator_in_them(user: User) -> None:
    team = make_team(user)
    names = set(Channel.objects.filter(team=team).values_list("name", flat=True))
    assert names == {"town-square", "off-topic"}
    # The server made them, not the team's creator.
    assert set(Channel.objects.filter(team=team).values_list("creator_id", flat=True)) == {""}
    joined = set(ChannelMember.objects.filter(user=user).values_list("channel__name", flat=True))
    assert joined == names


def test_joining_a_team_joins_its_default_channels(user: User, other_user: User) -> None:
    team = make_team(user)
    member = team_member_add(team=team, user=other_user)
    assert member.roles == "team_user"
    assert not has_team_permission(other_user, team.id, "manage_team")
    assert has_team_permission(other_user, team.id, "view_team")
    assert ChannelMember.objects.filter(user=other_user, channel__team=team).count() == 2


def test_leaving_a_team_leaves_its_channels_and_can_be_undone(user: User, other_user: User) -> None:
    team = make_team(user)
    team_member_add(team=team, user=other_user)
    team_member_remove(team=team, user=other_user)
    member = TeamMember.objects.get(team=team, user=other_user)
    assert member.delete_at > 0
    assert not ChannelMember.objects.filter(user=other_user, channel__team=team).exists()
    assert not has_team_permission(other_user, team.id, "view_team")
    team_member_add(team=team, user=other_user)
    member.refresh_from_db()
    assert member.delete_at == 0
    assert ChannelMember.objects.filter(user=other_user, channel__team=team).count() == 2


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"name": ""}, "model.team.is_valid.characters.app_error"),
        ({"name": "a"}, "model.team.is_valid.characters.app_error"),
        ({"name": "Alpha"}, "model.team.is_valid.characters.app_error"),
        ({"name": "-alpha"}, "model.team.is_valid.characters.app_error"),
        ({"name": "alpha-"}, "model.team.is_valid.characters.app_error"),
        ({"name": "al pha"}, "model.team.is_valid.characters.app_error"),
        ({"name": "a" * 65}, "model.team.is_valid.url.app_error"),
        ({"name": "apiteam"}, "model.team.is_valid.reserved.app_error"),
        ({"name": "helpdesk"}, "model.team.is_valid.reserved.app_error"),
        ({"display_name": ""}, "model.team.is_valid.name.app_error"),
        ({"display_name": "d" * 65}, "model.team.is_valid.name.app_error"),
        ({"description": "d" * 256}, "model.team.is_valid.description.app_error"),
        ({"type": "X"}, "model.team.is_valid.type.app_error"),
        ({"company_name": "c" * 65}, "model.team.is_valid.company.app_error"),
    ],
)
def test_team_rules(user: User, changes: dict[str, object], error_id: str) -> None:
    with pytest.raises(AppError) as raised:
        make_team(user, **changes)
    assert raised.value.error_id == error_id
    assert raised.value.status_code == 400
    assert not Team.objects.exists()


@pytest.mark.parametrize("name", ["ab", "a-b", "team-42", "a__b", "x" * 64])
def test_valid_names(user: User, name: str) -> None:
    assert make_team(user, name=name).name == name


def test_names_are_unique(user: User) -> None:
    make_team(user)
    with pytest.raises(AppError) as raised:
        make_team(user, display_name="Other")
    assert raised.value.error_id == "app.team.save.existing.app_error"


def test_allowed_domains_limit_who_joins(user: User, other_user: User) -> None:
    from apps.accounts.services import user_create

    team = make_team(user, allowed_domains="example.com, corp.example")
    assert team_member_add(team=team, user=other_user).is_active
    outsider = user_create(username="eve", email="eve@elsewhere.test", password="passw0rd!")
    with pytest.raises(AppError) as raised:
        team_member_add(team=team, user=outsider)
    assert raised.value.error_id == "api.team.join_user_to_team.allowed_domains.app_error"
    with pytest.raises(AppError) as raised:
        make_team(outsider, name="beta", allowed_domains="example.com")
    assert raised.value.error_id == "api.team.is_team_creation_allowed.domain.app_error"


def test_team_size_limit(user: User, other_user: User, mm_config) -> None:
    mm_config(max_users_per_team=1)
    team = make_team(user)
    with pytest.raises(AppError) as raised:
        team_member_add(team=team, user=other_user)
    assert raised.value.error_id == "app.team.join_user_to_team.max_accounts.app_error"


# API v1 makes teams before their members and signs people up straight into them.


def test_a_team_without_creator_keeps_its_email_and_has_no_members(db: None) -> None:
    team = team_create(
        creator=None, display_name="Gamma", name="gamma", type="O", email="G@Example.com"
    )
    assert team.email == "g@example.com"
    assert not TeamMember.objects.filter(team=team).exists()
    assert set(Channel.objects.filter(team=team).values_list("creator_id", flat=True)) == {""}


def test_a_team_without_creator_needs_an_email(db: None) -> None:
    with pytest.raises(AppError) as refused:
        team_create(creator=None, display_name="Gamma", name="gamma", type="O")
    assert refused.value.error_id == "model.team.is_valid.email.app_error"


def test_signing_up_with_the_team_email_makes_its_admin(user: User) -> None:
    team = team_create(
        creator=None, display_name="Gamma", name="gamma", type="O", email="gina@example.com"
    )
    owner = team_sign_up(team=team, username="gina", email="gina@example.com", password="passw0rd!")
    other = team_sign_up(team=team, username="hal", email="hal@example.com", password="passw0rd!")
    assert (owner.scheme_admin, other.scheme_admin) == (True, False)
    admin_of = ChannelMember.objects.filter(channel__team=team, scheme_admin=True)
    assert sorted(m.channel.name for m in admin_of) == ["off-topic", "town-square"]
    assert all(m.user_id == owner.user_id for m in admin_of)


def test_a_failed_sign_up_leaves_no_account(user: User) -> None:
    team = team_create(creator=user, display_name="Gamma", name="gamma", type="O")
    team.allowed_domains = "corp.example"
    with pytest.raises(AppError):
        team_sign_up(team=team, username="hal", email="hal@example.com", password="passw0rd!")
    assert not User.objects.filter(username="hal").exists()
