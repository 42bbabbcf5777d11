"""Bot accounts: a bot is a user row with ``is_bot`` set, no password and an owner.

As upstream, a bot's display name is its user's ``first_name`` and its email address is
``<username>@localhost``, so a renamed bot changes address too. Bots never log in with a
password; they act through personal access tokens.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction

from apps.accounts import images, validators
from apps.accounts.models import ROLE_SYSTEM_USER, User
from apps.accounts.services.users import (
    user_create,
    user_patch,
    user_set_active,
    user_set_password,
    user_set_system_admin,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import publish

MAX_DISPLAY_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 1024
# The post type of a new bot's note to its owner (clients show it with a hint of their own).
POST_TYPE_ADD_BOT_TEAMS_CHANNELS = "add_bot_teams_channels"
BOT_GREETING = (
    "I am not in any team or channel yet. Add me to the teams and channels where you want "
    "me to work, from a browser or the desktop app."
)


def _invalid(field: str, message: str) -> AppError:
    return AppError(f"model.bot.is_valid.{field}.app_error", message, 400)


def _bot_email(username: str) -> str:
    return f"{username}@localhost"


def _validate_bot_fields(
    *, username: str | None, display_name: str | None, description: str | None
) -> None:
    """Upstream reports a bad bot field under the bot's own error ids."""
    if username is not None:
        try:
            validators.validate_username(username)
        except AppError:
            raise _invalid("username", "A bot's username follows the rules of usernames.") from None
    if display_name is not None and len(display_name) > MAX_DISPLAY_NAME_LENGTH:
        raise _invalid(
            "display_name", f"A display name has at most {MAX_DISPLAY_NAME_LENGTH} characters."
        )
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise _invalid(
            "description", f"A description has at most {MAX_DESCRIPTION_LENGTH} characters."
        )


def bot_create(
    *, owner_id: str, username: str, display_name: str = "", description: str = ""
) -> User:
    username = validators.normalize_username(username)
    _validate_bot_fields(username=username, display_name=display_name, description=description)
    with transaction.atomic():
        bot = user_create(
            username=username,
            email=_bot_email(username),
            password=None,
            roles=ROLE_SYSTEM_USER,
            first_name=display_name,
            is_bot=True,
            bot_description=description,
            bot_owner_id=owner_id,
        )
        owner = User.objects.filter(pk=owner_id).first()
        if owner is not None:
            _greet_owner(bot, owner)
    return bot


def _greet_owner(bot: User, owner: User) -> None:
    """A new bot is in no team or channel yet: as upstream, it tells its owner so in a
    direct message, the first post of their direct channel."""
    from apps.channels.services import direct_channel_get_or_create
    from apps.posts.services import post_create

    channel = direct_channel_get_or_create(user=bot, other_user=owner).channel
    post_create(
        author=bot,
        channel=channel,
        message=BOT_GREETING,
        type=POST_TYPE_ADD_BOT_TEAMS_CHANNELS,
        set_online=False,
        system=True,
    )


def bot_patch(
    *,
    bot: User,
    username: str | None = None,
    display_name: str | None = None,
    description: str | None = None,
) -> User:
    """Change the fields given; a patch that changes nothing leaves the bot untouched."""
    if username is not None:
        username = validators.normalize_username(username)
    _validate_bot_fields(username=username, display_name=display_name, description=description)
    changes: dict[str, Any] = {}
    if username is not None and username != bot.username:
        changes.update(username=username, email=_bot_email(username))
    if display_name is not None and display_name != bot.first_name:
        changes["first_name"] = display_name
    if description is not None and description != bot.bot_description:
        changes["bot_description"] = description
    if not changes:
        return bot
    return user_patch(user=bot, changes=changes)


def bot_set_active(*, bot: User, active: bool) -> User:
    """Disabling a bot deactivates its user, which ends its sessions (and so its tokens'
    sessions); enabling it lets its tokens open new ones."""
    return user_set_active(user=bot, active=active)


def bot_assign(*, bot: User, owner_id: str) -> User:
    bot.bot_owner_id = owner_id
    bot.update_at = now_ms()
    bot.save(update_fields=["bot_owner_id", "update_at"])
    publish("user_updated", {"user_id": bot.id})
    return bot


def bot_convert_to_user(
    *, bot: User, password: str, changes: dict[str, Any], system_admin: bool
) -> User:
    """The bot becomes a person who can log in with ``password``; setting the password
    ends the sessions its tokens had opened."""
    with transaction.atomic():
        bot.is_bot = False
        bot.bot_description = ""
        bot.bot_owner_id = ""
        user = user_patch(user=bot, changes=changes)
        user_set_password(user=user, password=password)
        if system_admin:
            user = user_set_system_admin(user=user, admin=True)
    return user


def user_convert_to_bot(*, user: User) -> User:
    """The person becomes a bot owned by themselves, as upstream: from now on password
    logins are refused and only access tokens act for it."""
    user.is_bot = True
    user.bot_owner_id = user.id
    user.update_at = now_ms()
    user.save(update_fields=["is_bot", "bot_owner_id", "update_at"])
    publish("user_updated", {"user_id": user.id})
    return user


def _date_icon(bot: User, when: int) -> None:
    """The icon's date is what clients bust their caches with."""
    bot.bot_last_icon_update = when
    bot.update_at = now_ms()
    bot.save(update_fields=["bot_last_icon_update", "update_at"])
    publish("user_updated", {"user_id": bot.id})


def bot_set_icon(*, bot: User, upload: IO[bytes], max_bytes: int) -> None:
    """Store an SVG icon; other formats are refused, as upstream does."""
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise AppError(
            "api.bot.set_bot_icon_image.too_large.app_error", "The icon file is too large.", 413
        )
    if not images.is_svg(data):
        raise AppError(
            "api.bot.set_bot_icon_image.app_error", "A bot's icon must be an SVG image.", 400
        )
    images.write_bot_icon(bot.id, data)
    _date_icon(bot, now_ms())


def bot_remove_icon(*, bot: User) -> None:
    images.delete_bot_icon(bot.id)
    _date_icon(bot, 0)
