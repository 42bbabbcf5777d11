"""Channels themselves: creating (public, private, direct, group), editing, changing
privacy, archiving and restoring, deleting for good, moving between teams, and removing a
member. Writes of several rows run in one transaction, and every change is announced only
once it has committed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.accounts.models import ROLE_SYSTEM_GUEST, User
from apps.accounts.selectors import users_by_ids
from apps.channels.models import (
    CHANNEL_DIRECT,
    CHANNEL_GROUP,
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    TOWN_SQUARE,
    Channel,
    ChannelMember,
)
from apps.channels.selectors import (
    channel_get_unteamed,
    channel_member_counts,
    channel_member_get,
    channel_member_ids_outside_team,
    channel_name_in_use,
)
from apps.channels.services.members import channel_member_add
from apps.channels.validators import DISPLAY_NAME_MAX, validate_channel_fields
from apps.channels.wire import channel_json
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.teams.models import Team

# The notices these changes post (``apps.posts.services.system_posts``) are imported
# inside the functions: posts build on the channel services, so a module-level import
# would be circular.

GROUP_MIN_USERS = 3
GROUP_MAX_USERS = 8
# Fields of a public or private channel that its editors may change.
EDITABLE_FIELDS = ("display_name", "name", "header", "purpose")


def _name_taken() -> AppError:
    return AppError(
        "store.sql_channel.save_channel.exists.app_error",
        "A channel with that name already exists in the team.",
        400,
    )


def _is_unteamed(channel: Channel) -> bool:
    return channel.type in (CHANNEL_DIRECT, CHANNEL_GROUP)


# Creating


def channel_create(
    *,
    team: Team,
    creator: User | None,
    name: str,
    display_name: str,
    type: str,
    header: str = "",
    purpose: str = "",
) -> Channel:
    """A new public (``O``) or private (``P``) channel of ``team``. The creator, when
    there is one (operators may create channels nobody belongs to yet), joins it as its
    admin and is told about it."""
    if type in (CHANNEL_DIRECT, CHANNEL_GROUP):
        raise AppError(
            "api.channel.create_channel.direct_channel.app_error",
            "Direct and group channels are created through their own routes.",
            400,
        )
    if type not in (CHANNEL_OPEN, CHANNEL_PRIVATE):
        raise AppError(
            "model.channel.is_valid.type.app_error", "The channel type must be O or P.", 400
        )
    display_name = display_name.strip()
    validate_channel_fields(
        display_name=display_name, name=name, header=header, purpose=purpose, named=True
    )
    if channel_name_in_use(team_id=team.id, name=name):
        raise _name_taken()
    now = now_ms()
    channel = Channel(
        team=team,
        type=type,
        name=name,
        display_name=display_name,
        header=header,
        purpose=purpose,
        creator_id=creator.id if creator else "",
        create_at=now,
        update_at=now,
    )
    try:
        with transaction.atomic():
            channel.save(force_insert=True)
            if creator is not None:
                channel_member_add(channel=channel, user=creator, admin=True)
    except IntegrityError:
        raise _name_taken() from None
    if creator is not None:
        publish(
            "channel_created",
            {"channel_id": channel.id, "team_id": team.id},
            Broadcast(user_id=creator.id),
        )
    return channel


def direct_channel_name(user_id: str, other_user_id: str) -> str:
    """Both ids, sorted, joined by ``__`` (the same id twice for a self-DM)."""
    first, second = sorted((user_id, other_user_id))
    return f"{first}__{second}"


def group_channel_name(user_ids: list[str]) -> str:
    """The SHA-1 hex digest of the sorted ids written one after another."""
    return hashlib.sha1("".join(sorted(user_ids)).encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Conversation:
    """A direct or group channel, and whether this request created it."""

    channel: Channel
    created: bool


def _unteamed_create(channel: Channel, members: list[User]) -> Conversation:
    """Insert the direct or group channel and its members; if another request created the
    same conversation meanwhile, theirs is the answer."""
    try:
        with transaction.atomic():
            channel.save(force_insert=True)
            for member in members:
                channel_member_add(channel=channel, user=member)
    except IntegrityError:
        existing = channel_get_unteamed(channel.name)
        if existing is None:
            raise
        return Conversation(existing, created=False)
    return Conversation(channel, created=True)


def direct_channel_get_or_create(*, user: User, other_user: User) -> Conversation:
    """The direct channel of two users (or of one user with themself), created on first
    use with both as members. ``user`` is recorded as its creator."""
    name = direct_channel_name(user.id, other_user.id)
    existing = channel_get_unteamed(name)
    if existing is not None:
        return Conversation(existing, created=False)
    now = now_ms()
    channel = Channel(
        type=CHANNEL_DIRECT,
        name=name,
        creator_id=user.id,
        shared=False,
        create_at=now,
        update_at=now,
    )
    members = [user] if user.id == other_user.id else [user, other_user]
    conversation = _unteamed_create(channel, members)
    if conversation.created:
        publish(
            "direct_added",
            {"creator_id": user.id, "teammate_id": other_user.id},
            Broadcast(channel_id=channel.id),
        )
    return conversation


def group_channel_get_or_create(*, user_ids: list[str]) -> Conversation:
    """The group channel of these 3 to 8 distinct users, created on first use with all of
    them as members. Its display name lists their usernames."""
    user_ids = sorted(set(user_ids))
    if not GROUP_MIN_USERS <= len(user_ids) <= GROUP_MAX_USERS:
        raise AppError(
            "api.channel.create_group.bad_size.app_error",
            "A group message needs between 3 and 8 different users.",
            400,
        )
    users = users_by_ids(user_ids)
    if len(users) != len(user_ids):
        raise AppError(
            "api.channel.create_group.bad_user.app_error",
            "Some of these users do not exist.",
            400,
            f"user_ids={json.dumps(user_ids)}",
        )
    name = group_channel_name(user_ids)
    existing = channel_get_unteamed(name)
    if existing is not None:
        return Conversation(existing, created=False)
    now = now_ms()
    channel = Channel(
        type=CHANNEL_GROUP,
        name=name,
        display_name=", ".join(sorted(user.username for user in users))[:DISPLAY_NAME_MAX],
        shared=False,
        create_at=now,
        update_at=now,
    )
    conversation = _unteamed_create(channel, users)
    if conversation.created:
        publish(
            "group_added",
            {"teammate_ids": json.dumps(user_ids)},
            Broadcast(channel_id=channel.id),
        )
    return conversation


# Editing


def _save(channel: Channel, fields: list[str]) -> Channel:
    """Store the changed fields with a new ``update_at`` and tell the channel's members."""
    channel.update_at = now_ms()
    try:
        with transaction.atomic():
            channel.save(update_fields=[*fields, "update_at"])
    except IntegrityError:
        raise _name_taken() from None
    publish("channel_updated", {"channel": channel_json(channel)}, Broadcast(channel_id=channel.id))
    return channel


def _edit(
    channel: Channel, values: dict[str, str], *, rename_error_id: str, actor: User | None
) -> Channel:
    """Apply ``values`` (a subset of ``EDITABLE_FIELDS``) after the channel rules, and let
    the channel know (when we know who did it) of a new display name, header or purpose.

    Direct and group channels keep their name, display name and purpose; only the header
    may change. ``town-square`` keeps its name."""
    changed = {field: value for field, value in values.items() if getattr(channel, field) != value}
    if _is_unteamed(channel) and changed.keys() - {"header"}:
        raise AppError(
            rename_error_id,
            "Only the header of a direct or group message can be changed.",
            400,
        )
    if channel.name == TOWN_SQUARE and "name" in changed:
        raise AppError(
            "api.channel.update_channel.tried.app_error",
            f"The {TOWN_SQUARE} channel cannot be renamed.",
            400,
        )
    merged = {field: values.get(field, getattr(channel, field)) for field in EDITABLE_FIELDS}
    validate_channel_fields(**merged, named=not _is_unteamed(channel))
    if (
        "name" in changed
        and channel.team_id
        and channel_name_in_use(team_id=channel.team_id, name=merged["name"], other_than=channel.id)
    ):
        raise _name_taken()
    old = {field: getattr(channel, field) for field in values}
    for field, value in values.items():
        setattr(channel, field, value)
    if actor is None:
        return _save(channel, list(values))
    from apps.posts.services.system_posts import post_channel_changes

    with transaction.atomic():
        _save(channel, list(values))
        post_channel_changes(channel=channel, actor=actor, old=old)
    return channel


def channel_update(
    *,
    channel: Channel,
    display_name: str,
    name: str,
    header: str,
    purpose: str,
    type: str = "",
    actor: User | None = None,
) -> Channel:
    """A full update (``PUT``) by ``actor``: the header and purpose take the given values;
    the display name and name only when given (non-empty). The type cannot change here."""
    if channel.delete_at:
        raise AppError(
            "api.channel.update_channel.deleted.app_error",
            "An archived channel cannot be changed.",
            400,
        )
    if type and type != channel.type:
        raise AppError(
            "api.channel.update_channel.typechange.app_error",
            "The channel type cannot be changed this way; use the privacy route.",
            400,
        )
    values = {"header": header, "purpose": purpose}
    if display_name:
        values["display_name"] = display_name.strip()
    if name:
        values["name"] = name
    return _edit(
        channel,
        values,
        rename_error_id=(
            "api.channel.update_channel.update_direct_or_group_messages_not_allowed.app_error"
        ),
        actor=actor,
    )


def channel_patch(
    *, channel: Channel, changes: dict[str, str], actor: User | None = None
) -> Channel:
    """Change the fields in ``changes`` (keys from ``EDITABLE_FIELDS``), leaving the rest;
    ``actor`` is who did it, for the notices in the channel."""
    if channel.delete_at:
        raise AppError("app.channel.update.bad_id", "An archived channel cannot be changed.", 400)
    values = dict(changes)
    if "display_name" in values:
        values["display_name"] = values["display_name"].strip()
    return _edit(
        channel,
        values,
        rename_error_id=(
            "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error"
        ),
        actor=actor,
    )


def channel_set_privacy(*, channel: Channel, privacy: str) -> Channel:
    """Make the channel public (``O``) or private (``P``). ``town-square`` stays public;
    direct and group channels cannot become either, since their names are reserved."""
    if channel.name == TOWN_SQUARE and privacy == CHANNEL_PRIVATE:
        raise AppError(
            "api.channel.update_channel_privacy.default_channel_error",
            f"The {TOWN_SQUARE} channel cannot be made private.",
            400,
        )
    if _is_unteamed(channel):
        # Mattermost refuses this through the name rules: a public or private channel may
        # not carry a direct or group channel's name.
        validate_channel_fields(
            display_name=channel.display_name or channel.name,
            name=channel.name,
            header=channel.header,
            purpose=channel.purpose,
            named=True,
        )
    channel.type = privacy
    _save(channel, ["type"])
    publish(
        "channel_converted",
        {"channel_id": channel.id},
        Broadcast(team_id=channel.team_id or ""),
    )
    return channel


# Archiving, restoring, deleting, moving


def channel_check_deletable(channel: Channel) -> None:
    """Only public and private channels are ever archived or deleted (Mattermost checks
    this before anything else, permissions included)."""
    if _is_unteamed(channel):
        raise AppError(
            "api.channel.delete_channel.type.invalid",
            "Direct and group messages cannot be archived or deleted.",
            400,
        )


def _refuse_town_square(channel: Channel) -> None:
    if channel.name == TOWN_SQUARE:
        raise AppError(
            "api.channel.delete_channel.cannot.app_error",
            f"The {TOWN_SQUARE} channel cannot be archived or deleted.",
            400,
        )


def _announce_deleted(channel: Channel, delete_at: int) -> None:
    publish(
        "channel_deleted",
        {"channel_id": channel.id, "delete_at": delete_at},
        Broadcast(team_id=channel.team_id or ""),
    )


def channel_archive(*, channel: Channel, actor: User | None = None) -> Channel:
    """Archive the channel: it and its memberships are kept, read-only, for a restore.
    When we know who did it (``actor``), the channel says so in its last post."""
    channel_check_deletable(channel)
    if channel.delete_at:
        raise AppError(
            "api.channel.delete_channel.deleted.app_error",
            "The channel is already archived.",
            400,
        )
    _refuse_town_square(channel)
    from apps.posts.services.system_posts import post_channel_archived

    with transaction.atomic():
        if actor is not None:
            post_channel_archived(channel=channel, actor=actor)
        channel.delete_at = channel.update_at = now_ms()
        channel.save(update_fields=["delete_at", "update_at"])
    _announce_deleted(channel, channel.delete_at)
    return channel


def channel_restore(*, channel: Channel, actor: User | None = None) -> Channel:
    """Bring an archived channel back; ``actor``, when known, is named in a notice."""
    if not channel.delete_at:
        raise AppError(
            "api.channel.restore_channel.restored.app_error",
            "The channel is not archived.",
            400,
        )
    from apps.posts.services.system_posts import post_channel_restored

    channel.delete_at = 0
    channel.update_at = now_ms()
    with transaction.atomic():
        channel.save(update_fields=["delete_at", "update_at"])
        if actor is not None:
            post_channel_restored(channel=channel, actor=actor)
    # Everyone in the team may see a public channel again; a private one concerns only
    # its members.
    audience = (
        Broadcast(team_id=channel.team_id or "")
        if channel.type == CHANNEL_OPEN
        else Broadcast(channel_id=channel.id)
    )
    publish("channel_restored", {"channel_id": channel.id}, audience)
    return channel


def channel_delete_permanently(*, channel: Channel) -> None:
    """Remove the channel for good; deleting the row cascades to its memberships."""
    channel_check_deletable(channel)
    _refuse_town_square(channel)
    Channel.objects.filter(pk=channel.pk).delete()
    _announce_deleted(channel, now_ms())


def _remove(channel: Channel, user_id: str, remover_id: str) -> None:
    deleted, _ = ChannelMember.objects.filter(channel=channel, user_id=user_id).delete()
    if not deleted:
        return
    publish(
        "user_removed",
        {"user_id": user_id, "remover_id": remover_id},
        Broadcast(channel_id=channel.id),
    )
    # The removed user is no longer reached through the channel, so they hear it directly.
    publish(
        "user_removed",
        {"channel_id": channel.id, "remover_id": remover_id},
        Broadcast(user_id=user_id),
    )


def channel_member_remove(*, channel: Channel, user: User, remover: User | None = None) -> None:
    """Remove ``user`` from the public or private ``channel`` (``remover`` defaults to the
    user: they left). Nobody but guests leaves ``town-square``."""
    if _is_unteamed(channel):
        raise AppError(
            "api.channel.remove_channel_member.type.app_error",
            "Nobody can be removed from a direct or group message.",
            400,
        )
    if channel.name == TOWN_SQUARE and ROLE_SYSTEM_GUEST not in user.role_names:
        raise AppError(
            "api.channel.remove.default.app_error",
            f"Nobody can leave or be removed from {TOWN_SQUARE}.",
            400,
        )
    if channel_member_get(channel_id=channel.id, user_id=user.id) is None:
        raise AppError(
            "app.channel.get_member.missing.app_error",
            "That user is not a member of the channel.",
            404,
        )
    from apps.posts.services.system_posts import post_member_removed

    remover = remover or user
    with transaction.atomic():
        _remove(channel, user.id, remover.id)
        post_member_removed(channel=channel, user=user, remover=remover)


def channel_leave(*, channel: Channel, user: User) -> None:
    """``user`` leaves ``channel`` (API v3's leave): never a direct or group message, and
    never as the last member of a private channel, whom nobody could let back in."""
    if _is_unteamed(channel):
        raise AppError(
            "api.channel.leave.direct.app_error",
            "Nobody can leave a direct or group message.",
            400,
        )
    if channel.type == CHANNEL_PRIVATE and channel_member_counts(channel.id)[0] == 1:
        raise AppError(
            "api.channel.leave.last_member.app_error",
            "The last member of a private channel cannot leave it.",
            400,
        )
    channel_member_remove(channel=channel, user=user)


def channel_move(
    *, channel: Channel, team: Team, force: bool = False, mover: User | None = None
) -> Channel:
    """Move a public or private channel to another team. Members whose accounts are
    deactivated are dropped; members who are not in the new team stop the move, unless
    ``force`` removes them from the channel."""
    if _is_unteamed(channel):
        raise AppError(
            "api.channel.move_channel.type.invalid",
            "Direct and group messages belong to no team.",
            403,
        )
    ChannelMember.objects.filter(channel=channel, user__delete_at__gt=0).delete()
    outsiders = channel_member_ids_outside_team(channel_id=channel.id, team_id=team.id)
    if outsiders and not force:
        # Mattermost answers this with a 500.
        raise AppError(
            "app.channel.move_channel.members_do_not_match.error",
            "Some members of the channel are not members of the new team.",
            500,
            f"user_ids={','.join(outsiders)}",
        )
    if channel_name_in_use(team_id=team.id, name=channel.name, other_than=channel.id):
        raise _name_taken()
    remover_id = mover.id if mover else ""
    with transaction.atomic():
        for user_id in outsiders:
            _remove(channel, user_id, remover_id)
        channel.team = team
        channel.update_at = now_ms()
        try:
            with transaction.atomic():
                channel.save(update_fields=["team", "update_at"])
        except IntegrityError:
            raise _name_taken() from None
    return channel
