"""The notices the server posts when membership or channel details change: one post of
Mattermost's type and props, in the right channel; joins and leaves are not counted in the
channel's totals, other notices are."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import session_create, user_create
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_member_add_checked,
    channel_member_remove,
    channel_patch,
    channel_restore,
    channel_update,
)
from apps.core.errors import AppError
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.posts.services.system_posts import system_post
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add, team_member_leave
from tests.helpers import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(user: User) -> Team:
    return team_create(creator=user, display_name="Alpha", name="alpha", type="O")


@pytest.fixture
def room(team: Team, user: User) -> Channel:
    return channel_create(team=team, creator=user, name="room", display_name="Room", type="O")


@pytest.fixture
def carol(db: None) -> User:
    return user_create(
        username="carol", email="carol@example.com", password="passw0rd!", roles="system_user"
    )


def channel_of(team: Team, name: str) -> Channel:
    return Channel.objects.get(team=team, name=name)


def only_post(channel: Channel, **lookup: Any) -> Post:
    """The single post of ``channel`` matching ``lookup`` (fails if there are more)."""
    return Post.objects.get(channel=channel, **lookup)


def system_types(channel: Channel) -> list[str]:
    return list(
        Post.objects.filter(channel=channel).order_by("create_at").values_list("type", flat=True)
    )


def api(client: Client, method: str, url: str, token: str, body: Any = None) -> Any:
    if body is None:
        return getattr(client, method)(url, **bearer(token))
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **bearer(token)
    )


# Teams


def test_creating_a_team_posts_nothing(team: Team) -> None:
    assert not Post.objects.filter(channel__team=team).exists()
    assert channel_of(team, "town-square").total_msg_count == 0


def test_joining_a_team_is_told_in_town_square_and_off_topic(team: Team, other_user: User) -> None:
    team_member_add(team=team, user=other_user)
    square, off_topic = channel_of(team, "town-square"), channel_of(team, "off-topic")
    joined = only_post(square)
    assert (joined.type, joined.user_id) == ("system_join_team", other_user.id)
    assert joined.props == {"username": "bob"}
    assert joined.message
    assert only_post(off_topic).type == "system_join_channel"
    # Shown as the channel's last post, but not counted: nobody has anything unread.
    assert square.last_post_at == joined.create_at
    assert (square.total_msg_count, square.total_msg_count_root) == (0, 0)
    for member in ChannelMember.objects.filter(channel=square):
        assert square.total_msg_count - member.msg_count == 0


def test_a_member_added_by_someone_else(team: Team, user: User, other_user: User) -> None:
    team_member_add(team=team, user=other_user, actor=user)
    added = only_post(channel_of(team, "town-square"))
    assert (added.type, added.user_id) == ("system_add_to_team", user.id)
    assert added.props == {
        "userId": user.id,
        "username": "alice",
        "addedUserId": other_user.id,
        "addedUsername": "bob",
    }
    assert only_post(channel_of(team, "off-topic")).type == "system_add_to_channel"


def test_adding_a_current_member_posts_nothing(team: Team, user: User) -> None:
    team_member_add(team=team, user=user)
    assert not Post.objects.exists()


def test_added_through_the_api(
    client: Client, team: Team, user: User, other_user: User, token: str
) -> None:
    response = api(
        client,
        "post",
        f"/api/v4/teams/{team.id}/members",
        token,
        {"team_id": team.id, "user_id": other_user.id},
    )
    assert response.status_code == 201
    assert only_post(channel_of(team, "town-square")).type == "system_add_to_team"


@pytest.mark.parametrize(
    ("removed_by_admin", "type"), [(False, "system_leave_team"), (True, "system_remove_from_team")]
)
def test_leaving_a_team(
    team: Team, user: User, other_user: User, removed_by_admin: bool, type: str
) -> None:
    team_member_add(team=team, user=other_user)
    square = channel_of(team, "town-square")
    before = square.total_msg_count
    team_member_leave(team=team, user=other_user, remover=user if removed_by_admin else other_user)
    left = only_post(square, type=type)
    assert (left.user_id, left.props) == (other_user.id, {"username": "bob"})
    square.refresh_from_db()
    assert square.total_msg_count == before  # leaving is not counted
    assert not Post.objects.filter(channel=channel_of(team, "off-topic"), type=type).exists()


# Channel membership


@pytest.mark.parametrize("guest", [False, True])
def test_joining_a_channel(team: Team, room: Channel, other_user: User, guest: bool) -> None:
    team_member_add(team=team, user=other_user)
    if guest:
        User.objects.filter(pk=other_user.pk).update(roles="system_guest")
        other_user.refresh_from_db()
    channel_member_add_checked(channel=room, user_id=other_user.id)
    joined = only_post(room)
    assert joined.type == ("system_guest_join_channel" if guest else "system_join_channel")
    assert (joined.user_id, joined.props) == (other_user.id, {"username": "bob"})
    room.refresh_from_db()
    assert room.last_post_at == joined.create_at
    # Mattermost leaves a member's join out of the totals, but counts a guest's.
    counted = 1 if guest else 0
    assert (room.total_msg_count, room.total_msg_count_root) == (counted, counted)


def test_adding_someone_to_a_channel_through_the_api(
    client: Client, team: Team, room: Channel, user: User, other_user: User, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    response = api(
        client, "post", f"/api/v4/channels/{room.id}/members", token, {"user_id": other_user.id}
    )
    assert response.status_code == 201
    added = only_post(room)
    assert (added.type, added.user_id) == ("system_add_to_channel", user.id)
    assert added.props == {
        "userId": user.id,
        "username": "alice",
        "addedUserId": other_user.id,
        "addedUsername": "bob",
    }
    # the added member has not seen the notice yet
    assert ChannelMember.objects.get(channel=room, user=other_user).msg_count == 0


def test_joining_a_channel_through_the_api(
    client: Client, team: Team, room: Channel, other_user: User
) -> None:
    team_member_add(team=team, user=other_user)
    bob_token = session_create(user=other_user)[1]
    response = api(
        client,
        "post",
        f"/api/v4/channels/{room.id}/members",
        bob_token,
        {"user_id": other_user.id},
    )
    assert response.status_code == 201
    assert only_post(room).type == "system_join_channel"


def test_leaving_and_being_removed(
    team: Team, room: Channel, user: User, other_user: User, carol: User
) -> None:
    for someone in (other_user, carol):
        team_member_add(team=team, user=someone)
        channel_member_add_checked(channel=room, user_id=someone.id, actor=user)
    channel_member_remove(channel=room, user=other_user)
    left = only_post(room, type="system_leave_channel")
    assert (left.user_id, left.props) == (other_user.id, {"username": "bob"})
    channel_member_remove(channel=room, user=carol, remover=user)
    removed = only_post(room, type="system_remove_from_channel")
    assert removed.user_id == user.id
    assert removed.props == {"removedUserId": carol.id, "removedUsername": "carol"}
    room.refresh_from_db()
    assert Post.objects.filter(channel=room).count() == 4  # two adds, a leave and a removal
    assert room.total_msg_count == 0  # none of them counts


def test_removal_through_the_api(
    client: Client, team: Team, room: Channel, user: User, other_user: User, token: str
) -> None:
    team_member_add(team=team, user=other_user)
    channel_member_add_checked(channel=room, user_id=other_user.id, actor=user)
    response = api(client, "delete", f"/api/v4/channels/{room.id}/members/{other_user.id}", token)
    assert response.status_code == 200
    assert only_post(room, type="system_remove_from_channel").user_id == user.id


# Channel details


def test_each_changed_detail_gets_its_notice(room: Channel, user: User) -> None:
    channel_patch(
        channel=room,
        changes={"display_name": "Lounge", "header": "Welcome", "purpose": "", "name": "lounge"},
        actor=user,
    )
    assert system_types(room) == ["system_displayname_change", "system_header_change"]
    renamed = only_post(room, type="system_displayname_change")
    assert renamed.props == {
        "username": "alice",
        "old_displayname": "Room",
        "new_displayname": "Lounge",
    }
    header = only_post(room, type="system_header_change")
    assert header.props == {"username": "alice", "old_header": "", "new_header": "Welcome"}
    assert "Welcome" in header.message


def test_a_full_update_announces_purpose_and_header(room: Channel, user: User) -> None:
    channel_patch(channel=room, changes={"purpose": "chat"}, actor=user)
    channel_update(channel=room, display_name="", name="", header="", purpose="talk", actor=user)
    changed = Post.objects.filter(channel=room, type="system_purpose_change").order_by("create_at")
    assert [p.props for p in changed] == [
        {"username": "alice", "old_purpose": "", "new_purpose": "chat"},
        {"username": "alice", "old_purpose": "chat", "new_purpose": "talk"},
    ]
    assert not Post.objects.filter(type="system_header_change").exists()  # "" stayed ""


def test_edits_without_an_actor_post_nothing(room: Channel) -> None:
    channel_patch(channel=room, changes={"header": "quiet"})
    assert not Post.objects.filter(channel=room).exists()


def test_patching_through_the_api(client: Client, room: Channel, user: User, token: str) -> None:
    response = api(client, "put", f"/api/v4/channels/{room.id}/patch", token, {"header": "hi"})
    assert response.status_code == 200
    assert only_post(room).type == "system_header_change"


def test_archive_and_restore(room: Channel, user: User) -> None:
    channel_archive(channel=room, actor=user)
    archived = only_post(room)
    assert (archived.type, archived.user_id, archived.props) == (
        "system_channel_deleted",
        user.id,
        {"username": "alice"},
    )
    room.refresh_from_db()
    assert room.delete_at
    channel_restore(channel=room, actor=user)
    restored = only_post(room, type="system_channel_restored")
    assert restored.props == {"username": "alice"}
    room.refresh_from_db()
    assert (room.delete_at, room.total_msg_count) == (0, 2)


def test_archiving_through_the_api(client: Client, room: Channel, token: str) -> None:
    assert api(client, "delete", f"/api/v4/channels/{room.id}", token).status_code == 200
    assert only_post(room).type == "system_channel_deleted"
    assert api(client, "post", f"/api/v4/channels/{room.id}/restore", token).status_code == 200
    assert Post.objects.filter(channel=room, type="system_channel_restored").count() == 1


# Clients cannot forge them


def test_clients_cannot_post_system_types(room: Channel, user: User) -> None:
    with pytest.raises(AppError) as raised:
        post_create(author=user, channel=room, message="x", type="system_join_channel")
    assert raised.value.error_id == "model.post.is_valid.type.app_error"
    assert not Post.objects.exists()


def test_system_posts_take_only_system_types(room: Channel, user: User) -> None:
    with pytest.raises(AppError) as raised:
        system_post(channel=room, user=user, type="funny", message="x", props={})
    assert raised.value.error_id == "model.post.is_valid.type.app_error"


def test_system_posts_mention_nobody(
    team: Team, room: Channel, user: User, other_user: User
) -> None:
    team_member_add(team=team, user=other_user)
    channel_member_add_checked(channel=room, user_id=other_user.id, actor=user)
    channel_patch(channel=room, changes={"header": "ping @bob and @all"}, actor=user)
    assert ChannelMember.objects.get(channel=room, user=other_user).mention_count == 0
