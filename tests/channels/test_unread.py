"""Unread counters stay exact: posts counted by many writers at once, views that catch up."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from apps.accounts.models import User
from apps.channels.models import Channel, ChannelMember
from apps.channels.services import channel_member_add, channel_record_post, channels_view
from apps.teams.services import team_create, team_member_add


@pytest.fixture
def channel(user: User) -> Channel:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    return Channel.objects.get(team=team, name="town-square")


@pytest.mark.django_db
def test_posts_move_the_channel_counters(channel: Channel) -> None:
    channel_record_post(channel_id=channel.id, create_at=1000, is_root=True)
    channel_record_post(channel_id=channel.id, create_at=2000, is_root=False)
    channel_record_post(channel_id=channel.id, create_at=1500, is_root=True)  # arrives late
    channel.refresh_from_db()
    assert (channel.total_msg_count, channel.total_msg_count_root) == (3, 2)
    assert (channel.last_post_at, channel.last_root_post_at) == (2000, 1500)


@pytest.mark.django_db
def test_viewing_catches_the_member_up(user: User, other_user: User, channel: Channel) -> None:
    team_member_add(team=channel.team, user=other_user)
    for at in (5_000_000_000_000, 5_000_000_000_100):
        channel_record_post(channel_id=channel.id, create_at=at, is_root=True)
    ChannelMember.objects.filter(user=other_user).update(mention_count=2, mention_count_root=1)
    times = channels_view(user_id=other_user.id, channel_ids=[channel.id])
    member = ChannelMember.objects.get(user=other_user, channel=channel)
    # the two posts (the notice that they joined the team is not counted)
    assert (member.msg_count, member.msg_count_root) == (2, 2)
    assert (member.mention_count, member.mention_count_root) == (0, 0)
    assert member.last_viewed_at == 5_000_000_000_100 == times[channel.id]
    # the other member has not seen the posts
    assert ChannelMember.objects.get(user=user, channel=channel).msg_count == 0


@pytest.mark.django_db
def test_viewing_never_moves_last_viewed_back(user: User, channel: Channel) -> None:
    member = ChannelMember.objects.get(user=user, channel=channel)
    before = member.last_viewed_at
    channel_record_post(channel_id=channel.id, create_at=1, is_root=True)  # an old post
    assert channels_view(user_id=user.id, channel_ids=[channel.id])[channel.id] == before


@pytest.mark.django_db
def test_viewing_a_channel_one_is_not_in_changes_nothing(
    other_user: User, channel: Channel
) -> None:
    assert channels_view(user_id=other_user.id, channel_ids=[channel.id]) == {}


@pytest.mark.django_db(transaction=True)
def test_counters_are_exact_under_concurrent_writers(
    user: User, other_user: User, channel: Channel
) -> None:
    channel_member_add(channel=channel, user=other_user)
    writers, posts_each = 6, 25
    failures: list[BaseException] = []

    def post(offset: int) -> None:
        try:
            for i in range(posts_each):
                channel_record_post(
                    channel_id=channel.id, create_at=10_000 + offset * 1000 + i, is_root=i % 2 == 0
                )
                if i % 5 == 0:
                    channels_view(user_id=other_user.id, channel_ids=[channel.id])
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    channel.refresh_from_db()
    assert channel.total_msg_count == writers * posts_each
    assert channel.total_msg_count_root == writers * ((posts_each + 1) // 2)
    assert channel.last_post_at == 10_000 + (writers - 1) * 1000 + posts_each - 1
    channels_view(user_id=other_user.id, channel_ids=[channel.id])
    member = ChannelMember.objects.get(user=other_user, channel=channel)
    assert member.msg_count == channel.total_msg_count
    assert (
        member.last_viewed_at == channel.last_post_at
        or member.last_viewed_at > channel.last_post_at
    )
