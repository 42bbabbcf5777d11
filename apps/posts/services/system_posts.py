"""The notices the server itself posts in a channel when its membership or its details
change ("alice joined the channel", "bob changed the header ...").

Types and prop keys are Mattermost's (``model.PostType*`` and the ``post*Message``
functions of ``app/channel.go`` and ``app/team.go``), since clients render these posts from
their type and props; the message text is ours. Team events are posted in the team's
``town-square``. Their text mentions nobody. Notices of people joining and leaving are not
counted in the channel's message totals (``JOIN_LEAVE_TYPES``), so they leave the channel
read, as in Mattermost; the others (header changes, archiving ...) count like any post."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import ROLE_SYSTEM_GUEST, User
from apps.channels.models import TOWN_SQUARE, Channel
from apps.posts.models import Post
from apps.posts.services.create import post_create
from apps.teams.models import Team

JOIN_CHANNEL = "system_join_channel"
GUEST_JOIN_CHANNEL = "system_guest_join_channel"
LEAVE_CHANNEL = "system_leave_channel"
ADD_TO_CHANNEL = "system_add_to_channel"
ADD_GUEST_TO_CHANNEL = "system_add_guest_to_chan"
REMOVE_FROM_CHANNEL = "system_remove_from_channel"
JOIN_TEAM = "system_join_team"
LEAVE_TEAM = "system_leave_team"
ADD_TO_TEAM = "system_add_to_team"
REMOVE_FROM_TEAM = "system_remove_from_team"
HEADER_CHANGE = "system_header_change"
PURPOSE_CHANGE = "system_purpose_change"
DISPLAYNAME_CHANGE = "system_displayname_change"
CHANNEL_DELETED = "system_channel_deleted"
CHANNEL_RESTORED = "system_channel_restored"


def system_post(
    *, channel: Channel, user: User, type: str, message: str, props: dict[str, Any]
) -> Post:
    """Post a ``system_*`` notice as ``user`` through the ordinary path, so the channel's
    last-post time, its totals (joins and leaves aside) and the ``posted`` event behave as
    for any post."""
    return post_create(
        author=user, channel=channel, message=message, type=type, props=props, system=True
    )


def _is_guest(user: User) -> bool:
    return ROLE_SYSTEM_GUEST in user.role_names


def _added_props(actor: User, added: User) -> dict[str, str]:
    return {
        "userId": actor.id,
        "username": actor.username,
        "addedUserId": added.id,
        "addedUsername": added.username,
    }


# Channel membership


def post_join_channel(*, channel: Channel, user: User) -> Post:
    guest = _is_guest(user)
    return system_post(
        channel=channel,
        user=user,
        type=GUEST_JOIN_CHANNEL if guest else JOIN_CHANNEL,
        message=f"{user.username} joined the channel{' as a guest' if guest else ''}.",
        props={"username": user.username},
    )


def post_add_to_channel(*, channel: Channel, actor: User, added: User) -> Post:
    guest = _is_guest(added)
    return system_post(
        channel=channel,
        user=actor,
        type=ADD_GUEST_TO_CHANNEL if guest else ADD_TO_CHANNEL,
        message=(
            f"{added.username} was added to the channel{' as a guest' if guest else ''}"
            f" by {actor.username}."
        ),
        props=_added_props(actor, added),
    )


def post_member_added(*, channel: Channel, user: User, actor: User) -> Post:
    """A join when the user added themself, otherwise an add by ``actor``."""
    if actor.id == user.id:
        return post_join_channel(channel=channel, user=user)
    return post_add_to_channel(channel=channel, actor=actor, added=user)


def post_leave_channel(*, channel: Channel, user: User) -> Post:
    return system_post(
        channel=channel,
        user=user,
        type=LEAVE_CHANNEL,
        message=f"{user.username} left the channel.",
        props={"username": user.username},
    )


def post_remove_from_channel(*, channel: Channel, remover: User, removed: User) -> Post:
    return system_post(
        channel=channel,
        user=remover,
        type=REMOVE_FROM_CHANNEL,
        message=f"{removed.username} was removed from the channel.",
        props={"removedUserId": removed.id, "removedUsername": removed.username},
    )


def post_member_removed(*, channel: Channel, user: User, remover: User) -> Post:
    """A leave when the user went themself, otherwise a removal by ``remover``."""
    if remover.id == user.id:
        return post_leave_channel(channel=channel, user=user)
    return post_remove_from_channel(channel=channel, remover=remover, removed=user)


# Team membership (posted in town-square)


def _town_square(team: Team) -> Channel | None:
    return Channel.objects.filter(team=team, name=TOWN_SQUARE, delete_at=0).first()


def post_team_joined(*, team: Team, user: User, actor: User, channels: list[Channel]) -> None:
    """Announce a new team member in the default ``channels`` they were put into: the
    team event in town-square, a channel join (or add) in the others."""
    for channel in channels:
        if channel.name != TOWN_SQUARE:
            post_member_added(channel=channel, user=user, actor=actor)
        elif actor.id == user.id:
            system_post(
                channel=channel,
                user=user,
                type=JOIN_TEAM,
                message=f"{user.username} joined the team.",
                props={"username": user.username},
            )
        else:
            system_post(
                channel=channel,
                user=actor,
                type=ADD_TO_TEAM,
                message=f"{user.username} was added to the team by {actor.username}.",
                props=_added_props(actor, user),
            )


def post_team_left(*, team: Team, user: User, remover: User) -> Post | None:
    """Announce in town-square that ``user`` left (or was removed from) the team. Posted
    while they are still a member, as Mattermost does; the post is theirs either way."""
    channel = _town_square(team)
    if channel is None:
        return None
    left = remover.id == user.id
    return system_post(
        channel=channel,
        user=user,
        type=LEAVE_TEAM if left else REMOVE_FROM_TEAM,
        message=f"{user.username} {'left' if left else 'was removed from'} the team.",
        props={"username": user.username},
    )


# Channel details


def _change_message(actor: User, what: str, old: str, new: str) -> str:
    if not old:
        return f"{actor.username} set the channel {what} to: {new}"
    if not new:
        return f"{actor.username} removed the channel {what} (was: {old})"
    return f"{actor.username} changed the channel {what} from: {old} to: {new}"


# field -> (post type, words for the message, old/new prop keys)
_CHANGES: dict[str, tuple[str, str, str]] = {
    "display_name": (DISPLAYNAME_CHANGE, "display name", "displayname"),
    "header": (HEADER_CHANGE, "header", "header"),
    "purpose": (PURPOSE_CHANGE, "purpose", "purpose"),
}
# Mattermost announces the display name first, then the header, then the purpose.
ANNOUNCED_FIELDS = tuple(_CHANGES)


def post_channel_changes(*, channel: Channel, actor: User, old: dict[str, str]) -> list[Post]:
    """One notice per announced field whose value in ``old`` differs from the channel's."""
    posts = []
    for field, (type, words, key) in _CHANGES.items():
        before, after = old.get(field), getattr(channel, field)
        if before is None or before == after:
            continue
        posts.append(
            system_post(
                channel=channel,
                user=actor,
                type=type,
                message=_change_message(actor, words, before, after),
                props={"username": actor.username, f"old_{key}": before, f"new_{key}": after},
            )
        )
    return posts


def post_channel_archived(*, channel: Channel, actor: User) -> Post:
    """Posted just before the channel is archived: an archived channel takes no posts."""
    return system_post(
        channel=channel,
        user=actor,
        type=CHANNEL_DELETED,
        message=f"{actor.username} archived the channel.",
        props={"username": actor.username},
    )


def post_channel_restored(*, channel: Channel, actor: User) -> Post:
    return system_post(
        channel=channel,
        user=actor,
        type=CHANNEL_RESTORED,
        message=f"{actor.username} restored the channel from the archive.",
        props={"username": actor.username},
    )
