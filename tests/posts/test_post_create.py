from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import direct_channel_get_or_create
from apps.core.errors import AppError
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.teams.services import team_create, team_member_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def square(user: User, other_user: User) -> Channel:
    """Town-square of a team where bob has joined alice; the notice of his joining (and
    of that in off-topic) is deleted, so that the tests count only their own posts."""
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    Post.objects.all().delete()
    Channel.objects.filter(team=team).update(total_msg_count=0, total_msg_count_root=0)
    ChannelMember.objects.filter(channel__team=team).update(msg_count=0, msg_count_root=0)
    return Channel.objects.get(team=team, name="town-square")


def member(user: User, channel: Channel) -> ChannelMember:
    return ChannelMember.objects.get(user=user, channel=channel)


def test_a_post_counts_in_the_channel_and_for_its_author(
    user: User, other_user: User, square: Channel
) -> None:
    post = post_create(author=user, channel=square, message="hello #world and #django")
    square.refresh_from_db()
    assert (square.total_msg_count, square.total_msg_count_root) == (1, 1)
    assert square.last_post_at == post.create_at
    assert member(user, square).msg_count == 1  # the author has read their own post
    assert member(other_user, square).msg_count == 0
    assert post.hashtags == "#world #django"


def test_replies_keep_thread_totals_on_the_root(
    user: User, other_user: User, square: Channel
) -> None:
    root = post_create(author=user, channel=square, message="root")
    reply = post_create(author=other_user, channel=square, message="reply", root_id=root.id)
    post_create(author=other_user, channel=square, message="again", root_id=root.id)
    root.refresh_from_db()
    assert root.reply_count == 2
    assert root.participants == [other_user.id]
    assert root.last_reply_at >= reply.create_at
    assert root.update_at >= reply.create_at
    square.refresh_from_db()
    assert (square.total_msg_count, square.total_msg_count_root) == (3, 1)


@pytest.mark.parametrize("kind", ["reply-to-reply", "unknown-root", "other-channel"])
def test_bad_roots_are_refused(user: User, square: Channel, kind: str) -> None:
    root = post_create(author=user, channel=square, message="root")
    if kind == "reply-to-reply":
        root_id = post_create(author=user, channel=square, message="r", root_id=root.id).id
    elif kind == "unknown-root":
        root_id = "z" * 26
    else:
        off_topic = Channel.objects.get(team=square.team, name="off-topic")
        root_id = post_create(author=user, channel=off_topic, message="elsewhere").id
    with pytest.raises(AppError) as raised:
        post_create(author=user, channel=square, message="x", root_id=root_id)
    assert raised.value.error_id == "api.post.create_post.root_id.app_error"


def test_message_limit(user: User, square: Channel) -> None:
    assert post_create(author=user, channel=square, message="é" * 16383).message
    with pytest.raises(AppError) as raised:
        post_create(author=user, channel=square, message="é" * 16384)
    assert raised.value.error_id == "model.post.is_valid.msg.app_error"


def test_archived_channels_take_no_posts(user: User, square: Channel) -> None:
    square.delete_at = 1
    with pytest.raises(AppError) as raised:
        post_create(author=user, channel=square, message="x")
    assert raised.value.error_id == "api.post.create_post.can_not_post_to_deleted.error"


def test_a_repeated_pending_post_id_returns_the_first_post(user: User, square: Channel) -> None:
    first = post_create(author=user, channel=square, message="once", pending_post_id="p1")
    again = post_create(author=user, channel=square, message="once", pending_post_id="p1")
    assert again.id == first.id
    assert Post.objects.count() == 1


def test_mentions_count_for_the_mentioned_members(
    user: User, other_user: User, square: Channel
) -> None:
    carol = user_create(
        username="carol", email="carol@example.com", password="passw0rd!", roles="system_user"
    )
    team_member_add(team=square.team, user=carol)
    post_create(author=user, channel=square, message="hi @bob.")
    assert member(other_user, square).mention_count == 1
    assert member(carol, square).mention_count == 0
    post_create(author=user, channel=square, message="@channel listen")
    assert member(other_user, square).mention_count == 2
    assert member(carol, square).mention_count == 1
    assert member(user, square).mention_count == 0  # never your own


def test_direct_messages_always_mention_the_other(user: User, other_user: User) -> None:
    dm = direct_channel_get_or_create(user=user, other_user=other_user).channel
    post_create(author=user, channel=dm, message="no at-sign here")
    assert member(other_user, dm).mention_count == 1


def test_posted_is_published_after_commit(
    user: User, other_user: User, square: Channel, published, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=user, channel=square, message="hey @bob")
        assert [e.event for e in published if e.event == "posted"] == []
    (event,) = [e for e in published if e.event == "posted"]
    assert event.broadcast.channel_id == square.id
    assert event.data["sender_name"] == "@alice"
    assert event.data["channel_name"] == "town-square"
    assert event.data["mentions"] == [other_user.id]
    assert f'"id":"{post.id}"' in event.data["post"]
