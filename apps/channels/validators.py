"""Channel field rules with Mattermost's error ids."""

from __future__ import annotations

import re

from apps.core.errors import AppError

NAME_RE = re.compile(r"^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$")
# Names of direct (two ids joined by "__") and group (40 hex digits) channels.
DM_NAME_RE = re.compile(r"^[a-z0-9]{26}__[a-z0-9]{26}$")
GM_NAME_RE = re.compile(r"^[0-9a-f]{40}$")
DISPLAY_NAME_MAX = 64
NAME_MAX = 64
HEADER_MAX = 1024
PURPOSE_MAX = 250


def _invalid(what: str, message: str) -> AppError:
    return AppError(f"model.channel.is_valid.{what}.app_error", message, 400)


def is_valid_channel_name(name: str) -> bool:
    return 1 <= len(name) <= NAME_MAX and NAME_RE.match(name) is not None


def looks_like_dm_or_gm(name: str) -> bool:
    return bool(DM_NAME_RE.match(name) or GM_NAME_RE.match(name))


def validate_channel_fields(
    *, display_name: str, name: str, header: str, purpose: str, named: bool
) -> None:
    """``named`` channels (public and private) need a display name and a valid name that
    does not look like a direct or group channel's."""
    if len(display_name) > DISPLAY_NAME_MAX or (named and not display_name.strip()):
        raise _invalid("display_name", "The display name must be 1 to 64 characters long.")
    if named and (not is_valid_channel_name(name) or looks_like_dm_or_gm(name)):
        raise _invalid(
            "2_or_more",
            "Channel names are lower-case letters, digits, '-' and '_', starting with a "
            "letter or digit.",
        )
    if len(header) > HEADER_MAX:
        raise _invalid("header", "The header may be at most 1024 characters long.")
    if len(purpose) > PURPOSE_MAX:
        raise _invalid("purpose", "The purpose may be at most 250 characters long.")
