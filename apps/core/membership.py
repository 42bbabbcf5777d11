"""Roles of a team or channel member, as Mattermost derives them: the explicit roles
followed by the roles the permission scheme gives (guest, user, admin)."""

from __future__ import annotations


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
