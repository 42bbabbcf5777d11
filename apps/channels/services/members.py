"""Channel membership: joining, leaving, and the default channels of a team."""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User
from apps.channels.models import (
    CHANNEL_DIRECT,
    CHANNEL_GROUP,
    CHANNEL_OPEN,
    OFF_TOPIC,
    TOWN_SQUARE,
    Channel,
    ChannelMember,
)
from apps.channels.services.categories import sidebar_file_joined_channel
from apps.core.clock import now_ms
from apps.core.events import Broadcast, publish
from apps.teams.models import Team

DEFAULT_CHANNELS = ((TOWN_SQUARE, "Town Square"), (OFF_TOPIC, "Off-Topic"))


def channel_create_defaults(*, team: Team) -> list[Channel]:
    """The channels every team starts with. The server makes them, so they have no
    creator (``creator_id`` is empty), as in every Mattermost version."""
    now = now_ms()
    return [
        Channel.objects.create(
            team=team,
            type=CHANNEL_OPEN,
            name=name,
            display_name=display_name,
            create_at=now,
            update_at=now,
        )
        for name, display_name in DEFAULT_CHANNELS
    ]


def channel_member_add(*, channel: Channel, user: User, admin: bool = False) -> ChannelMember:
    """Make ``user`` a member of ``channel`` (nothing changes if they already are). A new
    member has seen everything posted before they joined."""
    member, created = ChannelMember.objects.get_or_create(
        channel=channel,
        user=user,
        defaults={
            "scheme_admin": admin,
            "msg_count": channel.total_msg_count,
            "msg_count_root": channel.total_msg_count_root,
            "last_viewed_at": now_ms(),
        },
    )
    if created:
        sidebar_file_joined_channel(member=member, channel=channel)
        publish(
            "user_added",
            {"user_id": user.id, "team_id": channel.team_id or ""},
            Broadcast(channel_id=channel.id),
        )
    return member


def channels_join_defaults(*, team: Team, user: User, admin: bool = False) -> list[Channel]:
    """Make ``user`` a member (``admin``: an admin) of the team's default channels
    (town-square first); returns the ones they joined now, leaving out those they were
    already in."""
    names = [name for name, _ in DEFAULT_CHANNELS]
    channels = sorted(
        Channel.objects.filter(team=team, name__in=names, delete_at=0),
        key=lambda channel: channel.name != TOWN_SQUARE,
    )
    already = set(
        ChannelMember.objects.filter(user=user, channel__in=channels).values_list(
            "channel_id", flat=True
        )
    )
    for channel in channels:
        channel_member_add(channel=channel, user=user, admin=admin)
    return [channel for channel in channels if channel.id not in already]


def channels_leave_team(*, team: Team, user: User) -> None:
    """Leaving a team ends the user's membership of all its channels."""
    with transaction.atomic():
        left = list(
            ChannelMember.objects.filter(user=user, channel__team=team)
            .exclude(channel__type__in=(CHANNEL_DIRECT, CHANNEL_GROUP))
            .values_list("channel_id", flat=True)
        )
        ChannelMember.objects.filter(user=user, channel_id__in=left).delete()
    for channel_id in left:
        publish(
            "user_removed",
            {"user_id": user.id, "remover_id": user.id},
            Broadcast(channel_id=channel_id),
        )
