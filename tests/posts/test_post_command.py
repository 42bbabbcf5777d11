from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.channels.services import channel_archive
from apps.posts.services import post_create
from apps.teams.services import team_create
from tests.helpers import command_line

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("post", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def square(user: User) -> Channel:
    team = team_create(creator=user, name="alpha", display_name="Alpha", type="O")
    return Channel.objects.get(team=team, name="town-square")


def test_delete_takes_the_thread(user: User, admin: User, square: Channel) -> None:
    root = post_create(author=user, channel=square, message="root")
    reply = post_create(author=user, channel=square, message="reply", root_id=root.id)
    other = post_create(author=user, channel=square, message="other")
    assert run("delete", root.id, "--by", "root") == f"Post {root.id} and its replies deleted.\n"
    root.refresh_from_db()
    reply.refresh_from_db()
    other.refresh_from_db()
    assert root.delete_at > 0
    assert reply.delete_at > 0
    assert root.props["deleteBy"] == admin.id
    assert other.delete_at == 0


def test_delete_without_naming_an_operator(user: User, square: Channel) -> None:
    post = post_create(author=user, channel=square, message="hello")
    reply = post_create(author=user, channel=square, message="reply", root_id=post.id)
    assert run("delete", reply.id) == f"Post {reply.id} deleted.\n"
    reply.refresh_from_db()
    post.refresh_from_db()
    assert reply.props["deleteBy"] == ""
    assert post.reply_count == 0  # the root's total follows


def test_bad_input(user: User, square: Channel) -> None:
    post = post_create(author=user, channel=square, message="hello")
    with pytest.raises(CommandError, match="No post has the id 'nope'"):
        run("delete", "nope")
    with pytest.raises(CommandError, match="No user has"):
        run("delete", post.id, "--by", "nobody")
    off_topic = Channel.objects.get(team=square.team, name="off-topic")
    in_archive = post_create(author=user, channel=off_topic, message="before the archive")
    channel_archive(channel=off_topic)
    with pytest.raises(CommandError, match="archived channel"):
        run("delete", in_archive.id)
    run("delete", post.id)
    with pytest.raises(CommandError, match="already deleted"):
        run("delete", post.id)


def test_exit_codes(user: User, square: Channel) -> None:
    post = post_create(author=user, channel=square, message="hello")
    assert command_line("post", "delete", post.id)[0] == 0
    status, _, err = command_line("post", "delete", post.id)
    assert status == 1
    assert "already deleted" in err
    assert command_line("post", "remove", post.id)[0] == 2
