"""``/join``, ``/leave``, ``/header``, ``/purpose``, ``/invite`` and ``/kick`` (``/remove``):
commands that change channels and their members. Refusals are answers only the caller
sees, never API errors, as in Mattermost."""

from __future__ import annotations

from collections import defaultdict

from apps.accounts.models import ROLE_SYSTEM_GUEST, User
from apps.accounts.selectors import user_get_by_username
from apps.channels.models import CHANNEL_OPEN, CHANNEL_PRIVATE, TOWN_SQUARE, Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import (
    channel_get,
    channel_get_by_name,
    channel_member_get,
    channel_memberships_of_user_in_team,
)
from apps.channels.services import (
    channel_join,
    channel_leave,
    channel_member_add_checked,
    channel_member_remove,
    channel_patch,
)
from apps.channels.validators import HEADER_MAX, PURPOSE_MAX
from apps.core.errors import AppError
from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.builtins.registry import builtin
from apps.integrations.commands.response import CommandResponse, ephemeral
from apps.teams.selectors import team_membership_get

# The permission to change a channel's properties and members, by channel type.
PROPERTIES_PERMISSION = {
    CHANNEL_OPEN: "manage_public_channel_properties",
    CHANNEL_PRIVATE: "manage_private_channel_properties",
}
MEMBERS_PERMISSION = {
    CHANNEL_OPEN: "manage_public_channel_members",
    CHANNEL_PRIVATE: "manage_private_channel_members",
}
# Past this many names, an /invite answer names the first and counts the others.
MAX_NAMED_USERS = 10


# /join and /leave


def _join_failed() -> CommandResponse:
    return ephemeral("You could not join that channel.")


@builtin("join", display_name="join", description="Join the open channel", hint="~[channel]")
def join(args: CommandArgs, message: str) -> CommandResponse:
    name = message[1:] if message.startswith("~") else message.lower()
    channel = channel_get_by_name(team_id=args.team.id, name=name, include_deleted=True)
    if channel is None:
        return ephemeral("No channel of this team has that name.")
    permission = {CHANNEL_OPEN: "join_public_channels", CHANNEL_PRIVATE: "read_channel"}
    needed = permission.get(channel.type)
    if needed is None or not has_channel_permission(args.user, channel.id, needed):
        return _join_failed()
    try:
        channel_join(channel=channel, user=args.user)
    except AppError:
        return _join_failed()
    return CommandResponse(goto_location=args.channel_location(channel.name))


def _landing_channel(args: CommandArgs) -> str:
    """Where someone who left a channel goes: town-square, or for a guest (who may not be
    in it) the first channel of the team they still belong to."""
    if ROLE_SYSTEM_GUEST not in args.user.role_names:
        return TOWN_SQUARE
    for member in channel_memberships_of_user_in_team(user_id=args.user.id, team_id=args.team.id):
        channel = channel_get(member.channel_id)
        if channel is not None and channel.team_id == args.team.id:
            return channel.name
    return TOWN_SQUARE


@builtin("leave", display_name="leave", description="Leave the current channel")
def leave(args: CommandArgs, message: str) -> CommandResponse:
    try:
        channel_leave(channel=args.channel, user=args.user)
    except AppError:
        if args.channel.name == TOWN_SQUARE:
            return ephemeral(f"Nobody can leave {TOWN_SQUARE}.")
        return ephemeral("You could not leave the channel.")
    membership = team_membership_get(team_id=args.team.id, user_id=args.user.id)
    if membership is None or not membership.is_active:
        return CommandResponse(goto_location=f"{args.site_url}/")
    return CommandResponse(goto_location=args.channel_location(_landing_channel(args)))


# /header and /purpose


def _may_edit_properties(user: User, channel: Channel) -> bool:
    permission = PROPERTIES_PERMISSION.get(channel.type)
    if permission is None:
        # Direct and group messages: every member may set their header.
        return channel_member_get(channel_id=channel.id, user_id=user.id) is not None
    return has_channel_permission(user, channel.id, permission)


def _set_channel_text(args: CommandArgs, field: str, text: str, limit: int) -> CommandResponse:
    if not text:
        return ephemeral(f"Give /{field} the text of the new {field}.")
    try:
        channel_patch(channel=args.channel, changes={field: text}, actor=args.user)
    except AppError as error:
        if error.error_id == f"model.channel.is_valid.{field}.app_error":
            return ephemeral(f"The {field} may be at most {limit} characters long.")
        return ephemeral(f"The channel's {field} could not be changed.")
    return CommandResponse()


@builtin("header", display_name="header", description="Edit the channel header", hint="[text]")
def header(args: CommandArgs, message: str) -> CommandResponse:
    if not _may_edit_properties(args.user, args.channel):
        return ephemeral("You are not allowed to change this channel's header.")
    return _set_channel_text(args, "header", message, HEADER_MAX)


@builtin("purpose", display_name="purpose", description="Edit the channel purpose", hint="[text]")
def purpose(args: CommandArgs, message: str) -> CommandResponse:
    if args.channel.type not in PROPERTIES_PERMISSION:
        return ephemeral("Direct and group messages have no purpose to set; use /header.")
    if not _may_edit_properties(args.user, args.channel):
        return ephemeral("You are not allowed to change this channel's purpose.")
    return _set_channel_text(args, "purpose", message, PURPOSE_MAX)


# /kick and /remove


def _remove(args: CommandArgs, message: str) -> CommandResponse:
    channel = args.channel
    permission = MEMBERS_PERMISSION.get(channel.type)
    if permission is None:
        return ephemeral("Nobody can be removed from a direct or group message.")
    if not has_channel_permission(args.user, channel.id, permission):
        return ephemeral("You are not allowed to remove members from this channel.")
    if not message:
        return ephemeral("Name the member to remove: /kick @username.")
    username = message.split(" ", 1)[0].removeprefix("@")
    target = user_get_by_username(username)
    if target is None or not target.is_active:
        return ephemeral("We could not find that user.")
    if channel_member_get(channel_id=channel.id, user_id=target.id) is None:
        return ephemeral(f"@{target.username} is not a member of this channel.")
    try:
        channel_member_remove(channel=channel, user=target, remover=args.user)
    except AppError as error:
        return ephemeral(error.message)
    return CommandResponse()


REMOVE_HELP = {"description": "Remove a member from the channel", "hint": "@[username]"}
builtin("kick", display_name="kick", **REMOVE_HELP)(_remove)
builtin("remove", display_name="remove", **REMOVE_HELP)(_remove)


# /invite


def _named(usernames: list[str]) -> str:
    """``@a, @b`` — or ``@a and 11 others`` for a long list."""
    if len(usernames) > MAX_NAMED_USERS:
        return f"@{usernames[0]} and {len(usernames) - 1} others"
    return ", ".join(f"@{name}" for name in usernames)


def _no_such_channel(name: str) -> str:
    return f"No channel of this team is called ~{name}."


def _invite_targets(
    args: CommandArgs, message: str, notes: list[str]
) -> tuple[list[User], list[Channel]]:
    """The users (``@name``, or a bare first word) and channels (``~name``) named."""
    users: list[User] = []
    channels: list[Channel] = []
    for position, word in enumerate(message.split(" ")):
        if not word:
            continue
        if word.startswith("@") or (position == 0 and not word.startswith("~")):
            name = word.removeprefix("@")
            user = user_get_by_username(name)
            if user is None or not user.is_active:
                notes.append(f"We could not find the user {name}.")
            else:
                users.append(user)
            continue
        name = word.removeprefix("~")
        channel = channel_get_by_name(team_id=args.team.id, name=name)
        if channel is None:
            notes.append(_no_such_channel(name))
        else:
            channels.append(channel)
    return users, channels


def _may_invite_to(args: CommandArgs, channel: Channel, first_user: User, notes: list[str]) -> bool:
    permission = MEMBERS_PERMISSION.get(channel.type)
    if permission is None:
        notes.append("Nobody can be added to a direct or group message.")
        return False
    if has_channel_permission(args.user, channel.id, permission):
        return True
    if channel.type == CHANNEL_PRIVATE and not channel_member_get(
        channel_id=channel.id, user_id=args.user.id
    ):
        # A private channel one is not in reads as a missing one: /invite must not
        # confirm that a secret channel's name exists (nor does Mattermost's answer).
        notes.append(_no_such_channel(channel.name))
    else:
        notes.append(f"You are not allowed to add @{first_user.username} to ~{channel.name}.")
    return False


def _invite_text(args: CommandArgs, message: str) -> str:
    notes: list[str] = []
    users, channels = _invite_targets(args, message, notes)
    if not users or (not channels and notes):
        return "\n".join(notes) or "Name someone to add: /invite @username ~channel."
    channels = channels or [args.channel]
    present: list[str] = []
    added: dict[str, list[str]] = defaultdict(list)
    outside: dict[str, list[str]] = defaultdict(list)
    failed: list[str] = []
    for channel in channels:
        if not _may_invite_to(args, channel, users[0], notes):
            continue
        for user in users:
            if channel_member_get(channel_id=channel.id, user_id=user.id) is not None:
                present.append(user.username)
                continue
            try:
                channel_member_add_checked(channel=channel, user_id=user.id, actor=args.user)
            except AppError as error:
                if error.error_id in NOT_IN_TEAM_ERRORS:
                    outside[args.team.display_name].append(user.username)
                else:
                    failed.append(user.username)
                continue
            if channel.id != args.channel.id:
                added[channel.name].append(user.username)
    if present:
        notes.append(f"{_named(present)}: already in the channel.")
    notes.extend(f"{_named(names)} added to ~{name}." for name, names in added.items())
    notes.extend(f"{_named(names)}: not in the team {team}." for team, names in outside.items())
    if failed:
        notes.append(f"{_named(failed)} could not be added.")
    return "\n".join(notes)


NOT_IN_TEAM_ERRORS = (
    "app.team.get_member.missing.app_error",
    "api.channel.add_user.to.channel.failed.deleted.app_error",
)


@builtin(
    "invite",
    display_name="invite",
    description="Add people to a channel",
    hint="@[username] ~[channel]",
)
def invite(args: CommandArgs, message: str) -> CommandResponse:
    if not message:
        return ephemeral("Name someone to add: /invite @username ~channel.")
    return ephemeral(_invite_text(args, message))
