"""Thread memberships follow channel memberships: whoever leaves a channel, by any route
(leaving, being removed, leaving the team), stops following its threads."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.channels.models import ChannelMember
from apps.posts.services import thread_memberships_leave_channel


@receiver(post_delete, sender=ChannelMember)
def channel_member_left(
    sender: type[ChannelMember], instance: ChannelMember, **kwargs: Any
) -> None:
    thread_memberships_leave_channel(user_id=instance.user_id, channel_id=instance.channel_id)
