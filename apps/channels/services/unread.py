"""Unread bookkeeping. Every counter moves in a single UPDATE statement (``F()`` and
subqueries), so concurrent posters and viewers can never lose an increment."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Greatest

from apps.channels.models import Channel, ChannelMember
from apps.core.clock import now_ms


def channel_record_post(
    *, channel_id: str, create_at: int, is_root: bool, counted: bool = True
) -> None:
    """Move the channel's last-post times for a new post and, unless it is not ``counted``
    (a join or leave notice), count it in the channel's totals."""
    added = 1 if counted else 0
    changes = {
        "total_msg_count": F("total_msg_count") + added,
        "last_post_at": Greatest(F("last_post_at"), Value(create_at)),
    }
    if is_root:
        changes["total_msg_count_root"] = F("total_msg_count_root") + added
        changes["last_root_post_at"] = Greatest(F("last_root_post_at"), Value(create_at))
    Channel.objects.filter(pk=channel_id).update(**changes)


def channels_view(*, user_id: str, channel_ids: Iterable[str]) -> dict[str, int]:
    """Mark these channels read for the user, as Mattermost does: the member has now seen
    every message, mentions are cleared, and ``last_viewed_at`` becomes the channel's last
    post time if that is later. Returns {channel_id: last_viewed_at} for the member rows."""
    ids = list(dict.fromkeys(channel_ids))
    if not ids:
        return {}
    channel = Channel.objects.filter(pk=OuterRef("channel_id"))
    members = ChannelMember.objects.filter(user_id=user_id, channel_id__in=ids)
    members.update(
        msg_count=Subquery(channel.values("total_msg_count")[:1]),
        msg_count_root=Subquery(channel.values("total_msg_count_root")[:1]),
        mention_count=0,
        mention_count_root=0,
        urgent_mention_count=0,
        last_viewed_at=Greatest(F("last_viewed_at"), Subquery(channel.values("last_post_at")[:1])),
        last_update_at=now_ms(),
    )
    return dict(members.values_list("channel_id", "last_viewed_at"))
