"""Team-level permission checks: a team member's roles, then the user's system roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from apps.accounts.models import User
from apps.accounts.selectors import users_exist
from apps.core.errors import AppError, permission_denied
from apps.core.roles import roles_grant
from apps.teams.models import TEAM_INVITE, TEAM_OPEN, Team
from apps.teams.selectors import team_member_get, team_memberships_in
from apps.teams.validators import email_domain_allowed


def team_role_names(user: User, team_id: str) -> list[str]:
    member = team_member_get(team_id=team_id, user_id=user.id)
    return member.roles.split() if member is not None else []


def has_team_permission(user: User, team_id: str, permission: str) -> bool:
    if roles_grant(user.role_names, permission):
        return True  # system roles (system_admin holds everything) decide without a query
    return roles_grant(team_role_names(user, team_id), permission)


def require_team_permission(user: User, team_id: str, permission: str) -> None:
    if not has_team_permission(user, team_id, permission):
        raise permission_denied(user.id, permission)


# Listing, reading and editing teams


@dataclass(frozen=True)
class TeamListing:
    """Which teams a user may list. ``allow_open_invite`` None means both kinds."""

    allow_open_invite: bool | None
    include_archived: bool


def team_listing_for(user: User) -> TeamListing | None:
    """``list_public_teams`` shows teams that allow open invites, ``list_private_teams`` the
    others, both together every team; with neither the user may list nothing (None).
    Archived teams are shown only to those who may list every team (the admins)."""
    public = roles_grant(user.role_names, "list_public_teams")
    private = roles_grant(user.role_names, "list_private_teams")
    if public and private:
        return TeamListing(allow_open_invite=None, include_archived=True)
    if public or private:
        return TeamListing(allow_open_invite=public, include_archived=False)
    return None


def require_team_readable(user: User, team: Team) -> None:
    """Anyone may read a team that is open and allows open invites; any other team needs
    ``view_team`` (its members have it)."""
    if team.type == TEAM_OPEN and team.allow_open_invite:
        return
    require_team_permission(user, team.id, "view_team")


def team_visible_to(user: User, team: Team) -> bool:
    """Whether ``user`` may learn that ``team`` exists: they belong to it, or they may list
    teams of its kind."""
    if team_member_get(team_id=team.id, user_id=user.id) is not None:
        return True
    kind = "list_public_teams" if team.allow_open_invite else "list_private_teams"
    return roles_grant(user.role_names, kind)


@dataclass(frozen=True)
class TeamSecrets:
    """Which private team fields a user may see."""

    email: bool
    invite_id: bool


def team_secrets_for(user: User, team_ids: list[str]) -> dict[str, TeamSecrets]:
    """Per team: the email needs ``manage_team`` (and, unless email addresses are public,
    system admin rights); the invite id needs ``invite_user`` or ``manage_team``. At most
    one query for all the teams."""
    granted = teams_with_permissions(user, team_ids, ("manage_team", "invite_user"))
    manage, invite = granted["manage_team"], granted["invite_user"]
    emails = settings.MATTERMOST.show_email_address or user.is_system_admin
    return {
        team_id: TeamSecrets(
            email=emails and team_id in manage, invite_id=team_id in manage | invite
        )
        for team_id in team_ids
    }


# Membership


def teams_with_permissions(
    user: User, team_ids: Iterable[str], permissions: Iterable[str]
) -> dict[str, set[str]]:
    """For each permission, those of ``team_ids`` where ``user`` holds it; at most one
    query however many teams and permissions."""
    wanted = set(team_ids)
    members = None
    granted: dict[str, set[str]] = {}
    for permission in permissions:
        if roles_grant(user.role_names, permission):
            granted[permission] = set(wanted)
            continue
        if members is None:
            members = team_memberships_in(user_id=user.id, team_ids=wanted)
        granted[permission] = {
            team_id
            for team_id, member in members.items()
            if roles_grant(member.roles.split(), permission)
        }
    return granted


# API v1: creating teams and signing up into them without an account


def require_team_creation_allowed(actor: User | None) -> None:
    """Who may create a team through API v1, which (like Mattermost 1.x) also lets
    anonymous callers do it. System admins always may. Others need team creation
    switched on (``EnableTeamCreation``) and the ``create_team`` permission; anonymous
    callers need sign-up with email, and an open server unless no account exists yet
    (the server is being set up), so API v1 opens no door API v4 keeps shut."""
    config = settings.MATTERMOST
    if actor is not None and actor.is_system_admin:
        return
    if actor is None and not config.enable_sign_up_with_email:
        raise AppError(
            "api.team.create_team.email_disabled.app_error",
            "Signing up with an email address is switched off.",
            501,
        )
    if not config.enable_team_creation:
        raise AppError(
            "api.team.is_team_creation_allowed.disabled.app_error",
            "Team creation is switched off on this server.",
            403,
        )
    if actor is None:
        _require_open_sign_up()
    elif not roles_grant(actor.role_names, "create_team"):
        raise permission_denied(actor.id, "create_team")


def require_team_sign_up_allowed(*, team: Team, email: str, actor: User | None) -> None:
    """Whether a new account with ``email`` may be created straight into ``team``
    (API v1's ``users/create``). Account creation must be switched on; system admins may
    then add anyone. A team that is invite only takes addresses of its allowed domains
    (1.x's invite links are not issued here); an open team needs an open server, unless
    this is the server's first account."""
    require_user_creation_enabled()
    if actor is not None and actor.is_system_admin:
        return
    if team.type == TEAM_INVITE:
        address = email.strip().lower()
        if not team.allowed_domains or not email_domain_allowed(address, team.allowed_domains):
            raise AppError(
                "api.user.create_user.signup_link_invalid.app_error",
                "This team takes new accounts only from its allowed email domains.",
                403,
            )
        return
    _require_open_sign_up()


def require_user_creation_enabled() -> None:
    config = settings.MATTERMOST
    if not (config.enable_user_creation and config.enable_sign_up_with_email):
        raise AppError(
            "api.user.create_user.signup_email_disabled.app_error",
            "Signing up with an email address is switched off.",
            501,
        )


def _require_open_sign_up() -> None:
    if settings.MATTERMOST.enable_open_server or not users_exist():
        return
    raise AppError(
        "api.user.create_user.no_open_server",
        "This server does not allow sign-up without an invitation.",
        403,
    )
