"""Sidebar categories: every team member's three default categories, the ones they add,
and keeping both in step with channel membership and the ``favorite_channel`` preference.

Where a channel sits: a channel joined in a team goes at the end of the member's Channels
category; leaving removes it (the row hangs off the membership); leaving a team removes
the member's categories there. Direct and group channels are never filed on creation: they
belong to no team, and every team's Direct Messages category lists them by itself (see
``category_selectors``), as Mattermost does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BigIntegerField, Case, Max, Min, Q, Value, When

from apps.accounts.models import Preference
from apps.channels.category_selectors import (
    DIRECT_CHANNEL_TYPES,
    TEAM_CHANNEL_TYPES,
    CategoryWithChannels,
    categories_of,
    placeable_members,
    with_channels,
)
from apps.channels.models import (
    CATEGORY_CHANNELS,
    CATEGORY_CUSTOM,
    CATEGORY_DIRECT_MESSAGES,
    CATEGORY_FAVORITES,
    SORTING_DEFAULT,
    SORTING_RECENT,
    Channel,
    ChannelMember,
    SidebarCategory,
    SidebarChannel,
)
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id
from apps.teams.selectors import team_member_get

SORT_STEP = 10  # Mattermost's MinimalSidebarSortDistance
FAVORITE_CHANNEL = "favorite_channel"  # the preference category older clients mark favorites with
# (type, display name, sorting), in their initial order. Clients translate the names.
DEFAULT_CATEGORIES = (
    (CATEGORY_FAVORITES, "Favorites", SORTING_DEFAULT),
    (CATEGORY_CHANNELS, "Channels", SORTING_DEFAULT),
    (CATEGORY_DIRECT_MESSAGES, "Direct Messages", SORTING_RECENT),
)


@dataclass(frozen=True)
class CategoryData:
    """A category as a client sends it, after its types were checked. ``id`` names the
    category to update (creation ignores it, and ``collapsed``, as Mattermost does)."""

    id: str = ""
    display_name: str = ""
    sorting: str = SORTING_DEFAULT
    muted: bool = False
    collapsed: bool = False
    channel_ids: tuple[str, ...] = ()


def categories_error(message: str, status: int, detail: str = "") -> AppError:
    # Mattermost reports every sidebar category failure under this one id.
    return AppError("app.channel.sidebar_categories.app_error", message, status, detail)


def default_category_id(category_type: str, user_id: str, team_id: str) -> str:
    return f"{category_type}_{user_id}_{team_id}"


def _default_ids(user_id: str, team_id: str) -> list[str]:
    return [default_category_id(kind, user_id, team_id) for kind, _, _ in DEFAULT_CATEGORIES]


def _to_user_in_team(user_id: str, team_id: str) -> Broadcast:
    return Broadcast(user_id=user_id, team_id=team_id)


# Default categories


def categories_ensure_defaults(*, user_id: str, team_id: str) -> None:
    """Create the user's default categories in the team unless they exist. Safe to call
    any number of times, also at once: the ids are fixed, so a second insert is a conflict
    the database ignores. A new Favorites category starts with the user's channels marked
    by the ``favorite_channel`` preference."""
    wanted = _default_ids(user_id, team_id)
    present = set(SidebarCategory.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if present.issuperset(wanted):
        return
    with transaction.atomic():
        SidebarCategory.objects.bulk_create(
            [
                SidebarCategory(
                    id=category_id,
                    user_id=user_id,
                    team_id=team_id,
                    type=kind,
                    display_name=display_name,
                    sorting=sorting,
                    sort_order=position * SORT_STEP,
                )
                for position, (category_id, (kind, display_name, sorting)) in enumerate(
                    zip(wanted, DEFAULT_CATEGORIES, strict=True)
                )
                if category_id not in present
            ],
            ignore_conflicts=True,
        )
        favorites_id = default_category_id(CATEGORY_FAVORITES, user_id, team_id)
        if favorites_id not in present:
            _file_preferred_favorites(user_id=user_id, team_id=team_id, favorites_id=favorites_id)


def _file_preferred_favorites(*, user_id: str, team_id: str, favorites_id: str) -> None:
    marked = Preference.objects.filter(
        user_id=user_id, category=FAVORITE_CHANNEL, value="true"
    ).values("name")
    members = (
        ChannelMember.objects.filter(user_id=user_id, channel_id__in=marked)
        .filter(Q(channel__team_id=team_id) | Q(channel__type__in=DIRECT_CHANNEL_TYPES))
        .order_by("channel__display_name", "channel__name")
    )
    SidebarChannel.objects.bulk_create(
        [
            SidebarChannel(
                category_id=favorites_id,
                member_id=member_id,
                team_id=team_id,
                sort_order=position * SORT_STEP,
            )
            for position, member_id in enumerate(members.values_list("pk", flat=True))
        ],
        ignore_conflicts=True,  # a concurrent caller filed them first
    )


def categories_for_team(*, user_id: str, team_id: str) -> list[CategoryWithChannels]:
    """The user's sidebar in the team, in order, its defaults created on first sight. A
    user who is not (or no longer) a member of the team has none."""
    if team_member_get(team_id=team_id, user_id=user_id) is None:
        return []
    categories = categories_of(user_id=user_id, team_id=team_id)
    if not {category.id for category in categories}.issuperset(_default_ids(user_id, team_id)):
        categories_ensure_defaults(user_id=user_id, team_id=team_id)
        categories = categories_of(user_id=user_id, team_id=team_id)
    return with_channels(categories)


# Following channel and team membership


def sidebar_file_joined_channel(*, member: ChannelMember, channel: Channel) -> None:
    """Put a team channel the user has just joined at the end of their Channels category
    in its team. Direct and group channels need no row (see the module notes)."""
    if channel.team_id is None or channel.type not in TEAM_CHANNEL_TYPES:
        return
    category_id = default_category_id(CATEGORY_CHANNELS, member.user_id, channel.team_id)
    with transaction.atomic():
        categories_ensure_defaults(user_id=member.user_id, team_id=channel.team_id)
        last = SidebarChannel.objects.filter(category_id=category_id).aggregate(
            last=Max("sort_order")
        )["last"]
        SidebarChannel.objects.create(
            category_id=category_id,
            member=member,
            team_id=channel.team_id,
            sort_order=0 if last is None else last + SORT_STEP,
        )


def categories_clear_team(*, user_id: str, team_id: str) -> None:
    """The user left the team: their categories there go, with every channel in them."""
    SidebarCategory.objects.filter(user_id=user_id, team_id=team_id).delete()


# Changes the user asks for


def _renumber(category_ids: Sequence[str]) -> None:
    """Give the categories sort orders 0, 10, 20 ... in this order, in one statement."""
    if not category_ids:
        return
    SidebarCategory.objects.filter(pk__in=category_ids).update(
        sort_order=Case(
            *[
                When(pk=category_id, then=Value(position * SORT_STEP))
                for position, category_id in enumerate(category_ids)
            ],
            output_field=BigIntegerField(),
        )
    )


def _place_channels(category: SidebarCategory, channel_ids: Iterable[str]) -> list[str]:
    """Make these channels (those the user may place, in the order given) the filed
    contents of ``category``, taking each out of wherever it sat in the team before.
    Direct Messages keeps no order of its own, so channels moved there are only unfiled.
    Returns the channel ids kept."""
    members = placeable_members(
        user_id=category.user_id, team_id=category.team_id, channel_ids=channel_ids
    )
    kept = [channel_id for channel_id in dict.fromkeys(channel_ids) if channel_id in members]
    SidebarChannel.objects.filter(
        team_id=category.team_id, member_id__in=[members[c] for c in kept]
    ).delete()
    if category.type != CATEGORY_DIRECT_MESSAGES:
        SidebarChannel.objects.bulk_create(
            [
                SidebarChannel(
                    category=category,
                    member_id=members[channel_id],
                    team_id=category.team_id,
                    sort_order=position * SORT_STEP,
                )
                for position, channel_id in enumerate(kept)
            ]
        )
    return kept


def category_create(*, user_id: str, team_id: str, data: CategoryData) -> CategoryWithChannels:
    """A new custom category, placed right after Favorites when that comes first, else
    first; the channels named move into it."""
    if team_member_get(team_id=team_id, user_id=user_id) is None:
        raise categories_error("The user has no sidebar in this team.", 404)
    with transaction.atomic():
        categories_ensure_defaults(user_id=user_id, team_id=team_id)
        existing = list(
            SidebarCategory.objects.select_for_update()
            .filter(user_id=user_id, team_id=team_id)
            .order_by("sort_order", "id")
            .values_list("id", "type")
        )
        position = 1 if existing and existing[0][1] == CATEGORY_FAVORITES else 0
        category = SidebarCategory.objects.create(
            id=new_id(),
            user_id=user_id,
            team_id=team_id,
            type=CATEGORY_CUSTOM,
            display_name=data.display_name,
            sorting=data.sorting,
            muted=data.muted,
            sort_order=SORT_STEP * (len(existing) + 1),
        )
        channel_ids = _place_channels(category, data.channel_ids)
        order = [category_id for category_id, _ in existing]
        order.insert(position, category.id)
        _renumber(order)
        category.sort_order = position * SORT_STEP
    publish(
        "sidebar_category_created",
        {"category_id": category.id},
        _to_user_in_team(user_id, team_id),
    )
    return CategoryWithChannels(category, channel_ids)


def categories_update(
    *, user_id: str, team_id: str, changes: Sequence[CategoryData]
) -> list[CategoryWithChannels]:
    """Apply these changes, all or none. Type, owner, team and order never change; only
    custom categories can be renamed; Direct Messages cannot be muted and keeps no channel
    order. Each category's filed channels become exactly those sent, so moving a channel
    between categories means sending both (as clients do). Channels moving in or out of
    Favorites carry the ``favorite_channel`` preference along, for older clients."""
    wanted = list(dict.fromkeys(change.id for change in changes))
    with transaction.atomic():
        current = {
            category.id: category
            for category in SidebarCategory.objects.select_for_update().filter(
                pk__in=wanted, user_id=user_id, team_id=team_id
            )
        }
        if len(current) != len(wanted):
            raise categories_error("No such category in the user's sidebar for this team.", 404)
        favorites_before = set(
            SidebarChannel.objects.filter(
                category_id__in=wanted, category__type=CATEGORY_FAVORITES
            ).values_list("member__channel_id", flat=True)
        )
        for change in changes:
            category = current[change.id]
            if category.type == CATEGORY_CUSTOM:
                category.display_name = change.display_name
            if category.type != CATEGORY_DIRECT_MESSAGES:
                category.muted = change.muted
            category.sorting = change.sorting
            category.collapsed = change.collapsed
        SidebarCategory.objects.bulk_update(
            current.values(), ["display_name", "sorting", "muted", "collapsed"]
        )
        SidebarChannel.objects.filter(category_id__in=wanted).delete()
        touched = set(favorites_before)
        for change in changes:
            touched.update(_place_channels(current[change.id], change.channel_ids))
        _favorite_preferences_follow(user_id=user_id, team_id=team_id, channel_ids=touched)
        updated = {
            entry.category.id: entry
            for entry in with_channels(categories_of(user_id=user_id, team_id=team_id))
        }
    result = [updated[category_id] for category_id in wanted]
    publish(
        "sidebar_category_updated",
        {
            "updatedCategories": json.dumps(
                [entry.as_json() for entry in result], separators=(",", ":")
            )
        },
        _to_user_in_team(user_id, team_id),
    )
    return result


def _favorite_preferences_follow(*, user_id: str, team_id: str, channel_ids: set[str]) -> None:
    """Of these channels, those now in the team's Favorites are marked ``favorite_channel``
    and the others are not."""
    if not channel_ids:
        return
    favorites = set(
        SidebarChannel.objects.filter(
            category_id=default_category_id(CATEGORY_FAVORITES, user_id, team_id),
            member__channel_id__in=channel_ids,
        ).values_list("member__channel_id", flat=True)
    )
    Preference.objects.filter(
        user_id=user_id, category=FAVORITE_CHANNEL, name__in=channel_ids - favorites
    ).delete()
    Preference.objects.bulk_create(
        [
            Preference(user_id=user_id, category=FAVORITE_CHANNEL, name=channel_id, value="true")
            for channel_id in sorted(favorites)
        ],
        update_conflicts=True,
        unique_fields=["user", "category", "name"],
        update_fields=["value"],
    )


def categories_reorder(*, user_id: str, team_id: str, order: Sequence[str]) -> None:
    """Put the user's categories in this order, which must name each of them once."""
    with transaction.atomic():
        existing = set(
            SidebarCategory.objects.select_for_update()
            .filter(user_id=user_id, team_id=team_id)
            .values_list("id", flat=True)
        )
        if len(order) != len(existing) or set(order) != existing:
            raise categories_error(
                "The new order must name each of the user's categories in this team once.",
                400,
                f"got {len(order)} ids for {len(existing)} categories",
            )
        _renumber(order)
    publish(
        "sidebar_category_order_updated",
        {"order": list(order)},
        _to_user_in_team(user_id, team_id),
    )


def category_delete(*, category: SidebarCategory) -> None:
    """Delete a custom category. Its channels fall back to Channels and Direct Messages."""
    if category.type != CATEGORY_CUSTOM:
        raise categories_error("Only categories the user added can be deleted.", 400, category.id)
    category_id, user_id, team_id = category.id, category.user_id, category.team_id
    category.delete()
    publish(
        "sidebar_category_deleted",
        {"category_id": category_id},
        _to_user_in_team(user_id, team_id),
    )


# The favorite_channel preference, as older clients set it


def categories_follow_favorite_preferences(*, user_id: str, favorites: dict[str, bool]) -> None:
    """``favorite_channel`` preferences changed: {channel id: now a favorite}. Favorites go
    to the top of the Favorites category of their team (every team, for direct and group
    channels); the others leave Favorites for the default categories."""
    if not favorites:
        return
    unmarked = [channel_id for channel_id, marked in favorites.items() if not marked]
    SidebarChannel.objects.filter(
        member__user_id=user_id,
        member__channel_id__in=unmarked,
        category__type=CATEGORY_FAVORITES,
    ).delete()
    marked = [channel_id for channel_id, is_marked in favorites.items() if is_marked]
    members = list(
        ChannelMember.objects.filter(user_id=user_id, channel_id__in=marked).values_list(
            "pk", "channel__team_id"
        )
    )
    tops = {
        row["id"]: (row["team_id"], row["top"])
        for row in SidebarCategory.objects.filter(user_id=user_id, type=CATEGORY_FAVORITES)
        .annotate(top=Min("entries__sort_order"))
        .values("id", "team_id", "top")
    }
    places = [
        (member_id, category_id, team_id)
        for member_id, channel_team_id in members
        for category_id, (team_id, _) in tops.items()
        if channel_team_id in (None, team_id)
    ]
    if places:
        SidebarChannel.objects.filter(
            member_id__in={member_id for member_id, _, _ in places},
            team_id__in={team_id for _, _, team_id in places},
        ).exclude(category__type=CATEGORY_FAVORITES).delete()
        SidebarChannel.objects.bulk_create(
            [
                SidebarChannel(
                    category_id=category_id,
                    member_id=member_id,
                    team_id=team_id,
                    sort_order=_above(tops[category_id][1]),
                )
                for member_id, category_id, team_id in places
            ],
            ignore_conflicts=True,  # already a favorite there
        )
    publish("sidebar_category_updated", {}, Broadcast(user_id=user_id))


def _above(top: int | None) -> int:
    return 0 if top is None else top - SORT_STEP
