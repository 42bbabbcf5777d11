"""Reads of sidebar categories, with the channels each one lists.

A category lists its filed channels (``SidebarChannel`` rows) in their sort order. A
member's channel that is filed nowhere in the team still shows: public and private
channels of the team at the end of the Channels category, direct and group channels at
the end of Direct Messages, both by display name, as Mattermost does. Direct and group
channels belong to no team, so this is how each of them reaches the Direct Messages
category of every team without a row per team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q

from apps.channels.models import (
    CATEGORY_CHANNELS,
    CATEGORY_DIRECT_MESSAGES,
    CHANNEL_DIRECT,
    CHANNEL_GROUP,
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    ChannelMember,
    SidebarCategory,
    SidebarChannel,
)
from apps.core.ids import is_valid_id

TEAM_CHANNEL_TYPES = (CHANNEL_OPEN, CHANNEL_PRIVATE)
DIRECT_CHANNEL_TYPES = (CHANNEL_DIRECT, CHANNEL_GROUP)

# Default categories are "<type>_<user_id>_<team_id>"; Mattermost searches for the pattern
# rather than matching the whole string, and so do we.
_DEFAULT_CATEGORY_ID = re.compile(r"(favorites|channels|direct_messages)_[a-z0-9]{26}_[a-z0-9]{26}")


def is_valid_category_id(value: str) -> bool:
    return is_valid_id(value) or _DEFAULT_CATEGORY_ID.search(value) is not None


@dataclass
class CategoryWithChannels:
    """A category as clients see it (Mattermost's ``SidebarCategoryWithChannels``)."""

    category: SidebarCategory
    channel_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        category = self.category
        return {
            "id": category.id,
            "user_id": category.user_id,
            "team_id": category.team_id,
            "sort_order": category.sort_order,
            "sorting": category.sorting,
            "type": category.type,
            "display_name": category.display_name,
            "muted": category.muted,
            "collapsed": category.collapsed,
            "channel_ids": self.channel_ids,
        }


def category_get(category_id: str) -> SidebarCategory | None:
    return SidebarCategory.objects.filter(pk=category_id).first()


def categories_of(*, user_id: str, team_id: str) -> list[SidebarCategory]:
    """The user's categories in the team, in sidebar order."""
    return list(
        SidebarCategory.objects.filter(user_id=user_id, team_id=team_id).order_by(
            "sort_order", "id"
        )
    )


def category_order(*, user_id: str, team_id: str) -> list[str]:
    return list(
        SidebarCategory.objects.filter(user_id=user_id, team_id=team_id)
        .order_by("sort_order", "id")
        .values_list("id", flat=True)
    )


def with_channels(categories: list[SidebarCategory]) -> list[CategoryWithChannels]:
    """``categories`` (all of one user in one team) with their channels: two queries
    however many categories and channels there are."""
    if not categories:
        return []
    user_id, team_id = categories[0].user_id, categories[0].team_id
    listed = {category.id: CategoryWithChannels(category) for category in categories}
    filed = (
        SidebarChannel.objects.filter(category_id__in=listed)
        .order_by("sort_order", "id")
        .values_list("category_id", "member__channel_id")
    )
    for category_id, channel_id in filed:
        listed[category_id].channel_ids.append(channel_id)
    by_type = {category.type: listed[category.id] for category in categories}
    channels, direct = by_type.get(CATEGORY_CHANNELS), by_type.get(CATEGORY_DIRECT_MESSAGES)
    for channel_id, channel_type in _unfiled_channels(
        user_id=user_id,
        team_id=team_id,
        team_channels=channels is not None,
        direct=direct is not None,
    ):
        target = direct if channel_type in DIRECT_CHANNEL_TYPES else channels
        if target is not None:
            target.channel_ids.append(channel_id)
    return list(listed.values())


def _unfiled_channels(
    *, user_id: str, team_id: str, team_channels: bool, direct: bool
) -> list[tuple[str, str]]:
    """(channel id, type) of the user's unarchived channels with no place in the team's
    sidebar: the team's public and private ones, and/or every direct and group one."""
    kinds = Q()
    if team_channels:
        kinds |= Q(channel__team_id=team_id, channel__type__in=TEAM_CHANNEL_TYPES)
    if direct:
        kinds |= Q(channel__type__in=DIRECT_CHANNEL_TYPES)
    if not kinds:
        return []
    placed = SidebarChannel.objects.filter(member=OuterRef("pk"), team_id=team_id)
    return list(
        ChannelMember.objects.filter(kinds, user_id=user_id, channel__delete_at=0)
        .filter(~Exists(placed))
        .order_by("channel__display_name", "channel__name")
        .values_list("channel_id", "channel__type")
    )


def placeable_members(*, user_id: str, team_id: str, channel_ids: Iterable[str]) -> dict[str, int]:
    """{channel id: membership id} for those of ``channel_ids`` the user may put in the
    team's sidebar: channels of the team (archived ones too) and direct and group channels
    they belong to. Mattermost drops the others without an error, and so do callers."""
    wanted = set(channel_ids)
    if not wanted:
        return {}
    rows = ChannelMember.objects.filter(user_id=user_id, channel_id__in=wanted).filter(
        Q(channel__team_id=team_id) | Q(channel__type__in=DIRECT_CHANNEL_TYPES)
    )
    return dict(rows.values_list("channel_id", "pk"))
