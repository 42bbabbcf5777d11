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


# Sidebar categories: how each user arranges their channels in each team's sidebar.

CATEGORY_FAVORITES = "favorites"
CATEGORY_CHANNELS = "channels"
CATEGORY_DIRECT_MESSAGES = "direct_messages"
CATEGORY_CUSTOM = "custom"
CATEGORY_TYPES = (CATEGORY_FAVORITES, CATEGORY_CHANNELS, CATEGORY_DIRECT_MESSAGES, CATEGORY_CUSTOM)

# "" is the default of every category but Direct Messages; clients treat it like "manual".
SORTING_DEFAULT = ""
SORTING_MANUAL = "manual"
SORTING_RECENT = "recent"
SORTING_ALPHA = "alpha"
CATEGORY_SORTINGS = (SORTING_DEFAULT, SORTING_MANUAL, SORTING_RECENT, SORTING_ALPHA)

# Mattermost's default category ids are "<type>_<user_id>_<team_id>", the longest 69 chars.
CATEGORY_ID_MAX = 128


class SidebarCategory(models.Model):
    """One section of a user's sidebar in one team. Every team member has the three
    default categories (favorites, channels, direct messages), whose ids are derived from
    type, user and team so that creating them twice is a conflict, never a copy; the
    categories a user adds are ``custom`` and get ordinary ids."""

    id = models.CharField(
        primary_key=True, max_length=CATEGORY_ID_MAX, default=new_id, editable=False
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sidebar_categories")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sidebar_categories")
    type = models.CharField(max_length=16, choices=[(t, t) for t in CATEGORY_TYPES])
    display_name = models.CharField(max_length=64, blank=True, default="")
    sorting = models.CharField(
        max_length=16,
        blank=True,
        default=SORTING_DEFAULT,
        choices=[(s, s) for s in CATEGORY_SORTINGS],
    )
    sort_order = models.BigIntegerField(default=0)
    muted = models.BooleanField(default=False)
    collapsed = models.BooleanField(default=False)

    class Meta:
        db_table = "sidebar_categories"
        verbose_name_plural = "sidebar categories"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["user", "team", "sort_order"], name="sidebar_categories_user_team"
            ),
        ]

    def __str__(self) -> str:
        return self.id


class SidebarChannel(models.Model):
    """A channel's place in one of its member's categories. The row hangs off the
    membership, so however a membership ends, the channel leaves the sidebar with it. The
    category's team is copied here so that "a channel sits in at most one of a user's
    categories per team" is a database constraint. Members' channels without a row are
    listed in the Channels or Direct Messages category (see ``category_selectors``)."""

    category = models.ForeignKey(SidebarCategory, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(
        ChannelMember, on_delete=models.CASCADE, related_name="sidebar_entries"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    sort_order = models.BigIntegerField(default=0)

    class Meta:
        db_table = "sidebar_channels"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member", "team"], name="sidebar_channels_one_place")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["category", "sort_order"], name="sidebar_channels_category"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.category_id}"
