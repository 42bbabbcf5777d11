"""Channel membership as its members and managers change it: adding someone (with the checks
Mattermost makes), leaving or being removed, member roles, notification preferences, and
marking channels read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.channels.member_wire import channel_member_event_json
from apps.channels.models import (
    CHANNEL_DIRECT,
    CHANNEL_GROUP,
    CHANNEL_OPEN,
    Channel,
    ChannelMember,
)
from apps.channels.selectors import channel_member_get, channel_read_states
from apps.channels.services.members import channel_member_add
from apps.channels.services.unread import channels_view
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.core.membership import parse_member_roles
from apps.teams.selectors import team_membership_get


def missing_channel_member() -> AppError:
    return AppError(
        "app.channel.get_member.missing.app_error",
        "That user is not a member of the channel.",
        404,
    )


# Joining


def channel_check_accepts_members(channel: Channel) -> None:
    """Only live public and private channels take new members."""
    if channel.type in (CHANNEL_DIRECT, CHANNEL_GROUP):
        raise AppError(
            "api.channel.add_user_to_channel.type.app_error",
            "Members cannot be added to direct or group message channels.",
            400,
        )
    if channel.delete_at:
        # Mattermost 10 no longer checks this; its earlier releases refused with this id.
        raise AppError(
            "api.channel.add_user_to_channel.deleted.app_error",
            "The channel is archived; nobody can be added to it.",
            400,
        )


def channel_member_add_checked(
    *, channel: Channel, user_id: str, actor: User | None = None
) -> ChannelMember:
    """Make ``user_id`` a member of ``channel`` after the checks Mattermost makes when
    someone is added: the account exists and is active, and belongs to the channel's team.
    A current member is returned as they are. The channel is told that the user joined or,
    when ``actor`` is someone else, that ``actor`` added them."""
    member = channel_member_get(channel_id=channel.id, user_id=user_id)
    if member is not None:
        return member
    user = user_get(user_id)
    if user is None:
        raise AppError("app.user.missing_account.const", "There is no user with that id.", 404)
    if not user.is_active:
        raise AppError(
            "app.channel.add_member.deleted_user.app_error",
            "A deactivated user cannot be added to a channel.",
            403,
        )
    team_member = team_membership_get(team_id=channel.team_id or "", user_id=user_id)
    if team_member is None:
        raise AppError(
            "app.team.get_member.missing.app_error",
            "That user is not a member of the channel's team.",
            404,
        )
    if not team_member.is_active:
        raise AppError(
            "api.channel.add_user.to.channel.failed.deleted.app_error",
            "That user has left the channel's team, so cannot be added to its channels.",
            400,
        )
    # Posts build on channels, so this import cannot sit at the top of the module.
    from apps.posts.services.system_posts import post_member_added

    with transaction.atomic():
        member = channel_member_add(channel=channel, user=user)
        post_member_added(channel=channel, user=user, actor=actor or user)
    return member


def channel_join(*, channel: Channel, user: User) -> ChannelMember:
    """``user`` joins ``channel`` themself (permissions are the caller's job), as
    Mattermost's JoinChannel: a member stays as they are; otherwise only a live public
    channel can be joined, and the channel is told."""
    member = channel_member_get(channel_id=channel.id, user_id=user.id)
    if member is not None:
        return member
    if channel.type != CHANNEL_OPEN:
        raise AppError(
            "api.channel.join_channel.permissions.app_error",
            "Only public channels can be joined; a private one needs an invitation.",
            400,
        )
    if channel.delete_at:
        raise AppError(
            "api.channel.join_user_to_channel.deleted.app_error",
            "An archived channel cannot be joined.",
            400,
        )
    return channel_member_add_checked(channel=channel, user_id=user.id, actor=user)


# Leaving


# Roles


def _save_member(member: ChannelMember, fields: list[str]) -> ChannelMember:
    """Save ``fields`` and tell the member's sessions how their membership now looks."""
    member.last_update_at = now_ms()
    member.save(update_fields=[*fields, "last_update_at"])
    publish(
        "channel_member_updated",
        {"channelMember": channel_member_event_json(member)},
        Broadcast(user_id=member.user_id),
    )
    return member


def _role_error(what: str, message: str) -> AppError:
    return AppError(f"api.channel.update_channel_member_roles.{what}.app_error", message, 400)


_SCHEME_FIELDS = ["scheme_guest", "scheme_user", "scheme_admin"]


def channel_member_set_roles(*, member: ChannelMember, roles: str) -> ChannelMember:
    """Give a member exactly these roles: ``channel_guest`` / ``channel_user`` /
    ``channel_admin`` become the scheme flags, other known roles the explicit ones. A member
    stays either a user or a guest, and guest status cannot be changed this way."""
    parsed = parse_member_roles(
        roles,
        prefix="channel",
        scheme_role_error_id="api.channel.update_channel_member_roles.scheme_role.app_error",
    )
    if parsed.scheme_user and parsed.scheme_guest:
        raise _role_error("guest_and_user", "A channel member cannot be both a guest and a user.")
    if parsed.scheme_guest != member.scheme_guest:
        raise _role_error(
            "changing_guest_role",
            "Whether a member is a guest cannot be changed through their roles.",
        )
    if not parsed.scheme_user and not parsed.scheme_guest:
        raise _role_error("unset_user_scheme", "A channel member must keep the channel_user role.")
    member.scheme_guest = parsed.scheme_guest
    member.scheme_user = parsed.scheme_user
    member.scheme_admin = parsed.scheme_admin
    member.explicit_roles = parsed.explicit_roles
    return _save_member(member, [*_SCHEME_FIELDS, "explicit_roles"])


def channel_member_set_scheme_roles(
    *, member: ChannelMember, scheme_guest: bool, scheme_user: bool, scheme_admin: bool
) -> ChannelMember:
    """Set the scheme flags of a member who is not a guest; they stay a user."""
    if member.scheme_guest:
        raise _role_error("guest", "A guest's channel roles cannot be changed this way.")
    if scheme_guest:
        raise _role_error("user_and_guest", "A channel member cannot be made a guest this way.")
    if not scheme_user:
        raise _role_error("unset_user_scheme", "A channel member must keep the channel_user role.")
    member.scheme_guest = scheme_guest
    member.scheme_user = scheme_user
    member.scheme_admin = scheme_admin
    return _save_member(member, _SCHEME_FIELDS)


# Notification preferences

_NOTIFY_LEVELS = frozenset({"default", "all", "mention", "none"})
# Allowed values and Mattermost's error suffix per validated key; the other keys a client
# may set are stored as sent.
_NOTIFY_RULES: dict[str, tuple[frozenset[str], str]] = {
    "desktop": (_NOTIFY_LEVELS, "notify_level"),
    "mark_unread": (frozenset({"all", "mention"}), "unread_level"),
    "push": (_NOTIFY_LEVELS, "push_level"),
    "email": (frozenset({"default", "true", "false"}), "email_value"),
    "ignore_channel_mentions": (
        frozenset({"default", "off", "on"}),
        "ignore_channel_mentions_value",
    ),
    "channel_auto_follow_threads": (frozenset({"off", "on"}), "channel_auto_follow_threads_value"),
}
# The keys Mattermost takes from the request; anything else is ignored.
NOTIFY_PROP_KEYS = frozenset(
    {
        *_NOTIFY_RULES,
        "desktop_sound",
        "desktop_notification_sound",
        "desktop_threads",
        "push_threads",
    }
)


def _check_notify_props(props: Mapping[str, str]) -> None:
    for key, value in props.items():
        if key not in _NOTIFY_RULES:
            continue
        allowed, what = _NOTIFY_RULES[key]
        if value not in allowed:
            raise AppError(
                f"model.channel_member.is_valid.{what}.app_error",
                f"'{value}' is not a valid value for the notification setting '{key}'.",
                400,
            )


def channel_member_update_notify_props(
    *, channel_id: str, user_id: str, props: Mapping[str, str]
) -> ChannelMember:
    """Merge the known keys of ``props`` into the member's notification preferences; the
    others are left as they were."""
    changes = {key: value for key, value in props.items() if key in NOTIFY_PROP_KEYS}
    _check_notify_props(changes)
    with transaction.atomic():
        member = (
            ChannelMember.objects.select_for_update()
            .filter(channel_id=channel_id, user_id=user_id)
            .first()
        )
        if member is None:
            raise missing_channel_member()
        member.notify_props = {**member.notify_props, **changes}
        return _save_member(member, ["notify_props"])


# Viewing


def channel_member_view(*, user_id: str, channel_ids: Iterable[str]) -> dict[str, int]:
    """Mark these channels read for the user, as Mattermost does when a client views a
    channel: only channels with something unread change, and the user's sessions hear of
    it (unless ``EnableChannelViewedMessages`` is off). Returns, for each of the channels
    the user belongs to, the time up to which it is now read."""
    states = channel_read_states(user_id=user_id, channel_ids=channel_ids)
    times = {state.channel_id: state.read_at for state in states}
    unread = [state.channel_id for state in states if state.unread]
    if not unread:
        return times
    channels_view(user_id=user_id, channel_ids=unread)
    if settings.MATTERMOST.enable_channel_viewed_messages:
        publish("multiple_channels_viewed", {"channel_times": times}, Broadcast(user_id=user_id))
    return times
