"""Roles of a team or channel member, as Mattermost derives them: the explicit roles
followed by the roles the permission scheme gives (guest, user, admin)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apps.core.errors import AppError
from apps.core.roles import ROLE_PERMISSIONS, SYSTEM_ADMIN, SYSTEM_GUEST, SYSTEM_USER

SCHEME_LEVELS = ("guest", "user", "admin")
# Roles a permission scheme hands out: never valid as a member's explicit role.
SCHEME_MANAGED_ROLES = frozenset(
    {
        SYSTEM_ADMIN,
        SYSTEM_USER,
        SYSTEM_GUEST,
        *(f"{scope}_{level}" for scope in ("team", "channel") for level in SCHEME_LEVELS),
    }
)
_ROLE_NAME = re.compile(r"[a-z0-9_]{1,64}")


def member_roles(
    *, explicit_roles: str, scheme_guest: bool, scheme_user: bool, scheme_admin: bool, prefix: str
) -> str:
    """E.g. ``"team_user team_admin"`` for a team admin (``prefix="team"``)."""
    roles = explicit_roles.split()
    if scheme_guest:
        roles.append(f"{prefix}_guest")
    if scheme_user:
        roles.append(f"{prefix}_user")
    if scheme_admin:
        roles.append(f"{prefix}_admin")
    return " ".join(dict.fromkeys(roles))


def role_names_well_formed(roles: str) -> bool:
    """Role names are lower-case words of letters, digits and underscores; ``system_admin``
    alone is refused so that nobody is left with it by mistake (as in Mattermost)."""
    names = roles.split()
    return all(_ROLE_NAME.fullmatch(name) for name in names) and names != [SYSTEM_ADMIN]


@dataclass(frozen=True)
class MemberRoles:
    """A member's roles split the way they are stored: scheme flags and explicit roles."""

    scheme_guest: bool
    scheme_user: bool
    scheme_admin: bool
    explicit_roles: str


def parse_member_roles(roles: str, *, prefix: str, scheme_role_error_id: str) -> MemberRoles:
    """Split ``roles`` for a member of scope ``prefix`` (``team`` or ``channel``): that
    scope's scheme roles become the flags, other known roles the explicit ones. A scheme
    role of another scope is refused with ``scheme_role_error_id``, an unknown role with
    Mattermost's role lookup error."""
    flags = dict.fromkeys(SCHEME_LEVELS, False)
    explicit: list[str] = []
    for name in roles.split():
        level = name.removeprefix(f"{prefix}_")
        if level in flags and name != level:
            flags[level] = True
        elif name in SCHEME_MANAGED_ROLES:
            raise AppError(
                scheme_role_error_id,
                f"The role '{name}' comes from the permission scheme and cannot be given here.",
                400,
            )
        elif name in ROLE_PERMISSIONS:
            explicit.append(name)
        else:
            raise AppError("app.role.get_by_name.app_error", f"There is no role '{name}'.", 400)
    return MemberRoles(
        scheme_guest=flags["guest"],
        scheme_user=flags["user"],
        scheme_admin=flags["admin"],
        explicit_roles=" ".join(dict.fromkeys(explicit)),
    )
