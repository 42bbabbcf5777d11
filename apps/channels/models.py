"""Channels (open, private, direct, group) and channel membership with the unread
bookkeeping clients rely on."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from apps.accounts.models import User
from apps.core.clock import now_ms
from apps.core.ids import new_id
from apps.core.membership import member_roles
from apps.teams.models import Team

CHANNEL_OPEN = "O"
CHANNEL_PRIVATE = "P"
CHANNEL_DIRECT = "D"
CHANNEL_GROUP = "G"
CHANNEL_TYPES = (CHANNEL_OPEN, CHANNEL_PRIVATE, CHANNEL_DIRECT, CHANNEL_GROUP)

TOWN_SQUARE = "town-square"
OFF_TOPIC = "off-topic"


def default_member_notify_props() -> dict[str, str]:
    return {
        "desktop": "default",
        "mark_unread": "all",
        "push": "default",
        "email": "default",
        "ignore_channel_mentions": "default",
        "channel_auto_follow_threads": "off",
    }


class Channel(models.Model):
    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    # Direct and group channels belong to no team (Mattermost sends team_id "").
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="channels"
    )
    type = models.CharField(
        max_length=1,
        choices=[
            (CHANNEL_OPEN, "Public"),
            (CHANNEL_PRIVATE, "Private"),
            (CHANNEL_DIRECT, "Direct"),
            (CHANNEL_GROUP, "Group"),
        ],
    )
    display_name = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=64)
    header = models.CharField(max_length=1024, blank=True, default="")
    purpose = models.CharField(max_length=250, blank=True, default="")
    last_post_at = models.BigIntegerField(default=0)
    last_root_post_at = models.BigIntegerField(default=0)
    total_msg_count = models.BigIntegerField(default=0)
    total_msg_count_root = models.BigIntegerField(default=0)
    extra_update_at = models.BigIntegerField(default=0)
    creator_id = models.CharField(max_length=26, blank=True, default="")
    props = models.JSONField(null=True, blank=True, default=None)
    group_constrained = models.BooleanField(null=True, blank=True, default=None)
    shared = models.BooleanField(null=True, blank=True, default=None)

    class Meta:
        db_table = "channels"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["team", "name"],
                condition=Q(team__isnull=False),
                name="channels_team_name_unique",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(team__isnull=True), name="channels_dm_name_unique"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["team", "type", "delete_at"], name="channels_team_type"),
        ]

    def __str__(self) -> str:
        return self.name


class ChannelMember(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="channel_memberships")
    last_viewed_at = models.BigIntegerField(default=0)
    msg_count = models.BigIntegerField(default=0)
    msg_count_root = models.BigIntegerField(default=0)
    mention_count = models.BigIntegerField(default=0)
    mention_count_root = models.BigIntegerField(default=0)
    urgent_mention_count = models.BigIntegerField(default=0)
    notify_props = models.JSONField(default=default_member_notify_props)
    last_update_at = models.BigIntegerField(default=now_ms)
    scheme_guest = models.BooleanField(default=False)
    scheme_user = models.BooleanField(default=True)
    scheme_admin = models.BooleanField(default=False)
    explicit_roles = models.CharField(max_length=256, blank=True, default="")

    class Meta:
        db_table = "channel_members"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["channel", "user"], name="channel_members_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user"], name="channel_members_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id}"

    @property
    def roles(self) -> str:
        return member_roles(
            explicit_roles=self.explicit_roles,
            scheme_guest=self.scheme_guest,
            scheme_user=self.scheme_user,
            scheme_admin=self.scheme_admin,
            prefix="channel",
        )
