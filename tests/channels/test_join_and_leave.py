"""Joining a channel oneself and leaving it, as API v3 does it through the services."""

from __future__ import annotations

import pytest

from apps.channels.models import ChannelMember
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_join,
    channel_leave,
    channel_member_add,
    direct_channel_get_or_create,
)
from apps.core.errors import AppError
from apps.posts.models import Post
from tests.channels.v3_setup import V3World

pytestmark = pytest.mark.django_db


def error_of(call: object) -> str:
    with pytest.raises(AppError) as raised:
        call()  # type: ignore[operator]
    return raised.value.error_id


def test_joining_a_public_channel_announces_it_once(v3: V3World) -> None:
    channel = channel_create(team=v3.team, creator=v3.alice, name="x", display_name="X", type="O")
    member = channel_join(channel=channel, user=v3.bob)
    assert channel_join(channel=channel, user=v3.bob).pk == member.pk
    assert list(Post.objects.filter(channel=channel).values_list("type", flat=True)) == [
        "system_join_channel"
    ]


def test_only_live_public_channels_are_joined(v3: V3World) -> None:
    assert error_of(lambda: channel_join(channel=v3.secret, user=v3.bob)) == (
        "api.channel.join_channel.permissions.app_error"
    )
    channel_archive(channel=v3.off_topic)
    ChannelMember.objects.filter(channel=v3.off_topic, user=v3.bob).delete()
    assert error_of(lambda: channel_join(channel=v3.off_topic, user=v3.bob)) == (
        "api.channel.join_user_to_channel.deleted.app_error"
    )
    # A member of a private channel "joins" it without error.
    assert channel_join(channel=v3.secret, user=v3.alice).user_id == v3.alice.id


def test_leaving(v3: V3World) -> None:
    channel_leave(channel=v3.dev, user=v3.bob)
    assert not ChannelMember.objects.filter(channel=v3.dev, user=v3.bob).exists()
    dm = direct_channel_get_or_create(user=v3.alice, other_user=v3.bob).channel
    assert error_of(lambda: channel_leave(channel=dm, user=v3.bob)) == (
        "api.channel.leave.direct.app_error"
    )
    assert error_of(lambda: channel_leave(channel=v3.secret, user=v3.alice)) == (
        "api.channel.leave.last_member.app_error"
    )
    channel_member_add(channel=v3.secret, user=v3.bob)
    channel_leave(channel=v3.secret, user=v3.alice)
    assert error_of(lambda: channel_leave(channel=v3.square, user=v3.bob)) == (
        "api.channel.remove.default.app_error"
    )
