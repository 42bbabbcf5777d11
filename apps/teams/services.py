"""Writes to teams and team membership."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.channels.services import (
    channel_create_defaults,
    channels_join_defaults,
    channels_leave_team,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id
from apps.teams.models import TEAM_OPEN, Team, TeamMember
from apps.teams.selectors import team_active_member_count
from apps.teams.validators import validate_team
from apps.teams.wire import sanitized_team_json


def _name_taken() -> AppError:
    return AppError("app.team.save.existing.app_error", "A team with that name exists.", 400)


def team_create(
    *,
    creator: User,
    display_name: str,
    name: str,
    type: str,
    description: str = "",
    company_name: str = "",
    allowed_domains: str = "",
    allow_open_invite: bool = False,
) -> Team:
    """A new team with its default channels; the creator joins as team admin. The team's
    email is the creator's, whatever the client asked for (as in Mattermost)."""
    validate_team(
        display_name=display_name,
        name=name,
        description=description,
        email=creator.email,
        type=type,
        company_name=company_name,
        allowed_domains=allowed_domains,
    )
    if not email_domain_allowed(creator.email, allowed_domains):
        raise AppError(
            "api.team.is_team_creation_allowed.domain.app_error",
            "Your email address is not in the team's allowed domains.",
            400,
        )
    if Team.objects.filter(name=name).exists():
        raise _name_taken()
    now = now_ms()
    team = Team(
        display_name=display_name,
        name=name,
        type=type,
        description=description,
        email=creator.email,
        company_name=company_name,
        allowed_domains=allowed_domains,
        allow_open_invite=allow_open_invite,
        create_at=now,
        update_at=now,
    )
    try:
        with transaction.atomic():
            team.save(force_insert=True)
            channel_create_defaults(team=team, creator=creator)
            team_member_add(team=team, user=creator, admin=True)
    except IntegrityError:
        raise _name_taken() from None
    return team


def email_domain_allowed(email: str, allowed_domains: str) -> bool:
    domains = [d.strip().lower() for d in allowed_domains.replace(",", " ").split()]
    return not domains or email.rsplit("@", 1)[-1].lower() in domains


def _check_may_join(team: Team, user: User) -> None:
    if not user.is_active:
        raise AppError(
            "app.team.join_user_to_team.user_deactivated.app_error",
            "A deactivated user cannot join a team.",
            400,
        )
    if not user.is_bot and not email_domain_allowed(user.email, team.allowed_domains):
        raise AppError(
            "api.team.join_user_to_team.allowed_domains.app_error",
            "This team only admits email addresses from its allowed domains.",
            400,
        )
    if team_active_member_count(team.id) >= settings.MATTERMOST.max_users_per_team:
        raise AppError(
            "app.team.join_user_to_team.max_accounts.app_error",
            "This team has reached its maximum number of members.",
            400,
        )


def team_member_add(*, team: Team, user: User, admin: bool = False) -> TeamMember:
    """Add ``user`` to ``team`` (or bring them back after they left) and into its default
    channels. Adding a current member changes nothing."""
    member = TeamMember.objects.filter(team=team, user=user).first()
    if member is not None and member.is_active:
        return member
    _check_may_join(team, user)
    with transaction.atomic():
        if member is None:
            member = TeamMember.objects.create(
                team=team, user=user, scheme_user=True, scheme_admin=admin
            )
        else:
            member.delete_at = 0
            member.scheme_admin = admin
            member.save(update_fields=["delete_at", "scheme_admin"])
        channels_join_defaults(team=team, user=user)
    publish("added_to_team", {"team_id": team.id, "user_id": user.id}, Broadcast(user_id=user.id))
    return member


def team_member_remove(*, team: Team, user: User) -> None:
    """``user`` leaves ``team`` (or is removed): the membership is kept with ``delete_at``
    set, and their memberships of the team's channels end."""
    with transaction.atomic():
        updated = TeamMember.objects.filter(team=team, user=user, delete_at=0).update(
            delete_at=now_ms()
        )
        if not updated:
            return
        channels_leave_team(team=team, user=user)
    publish("leave_team", {"team_id": team.id, "user_id": user.id}, Broadcast(team_id=team.id))


# Editing teams

# Fields a patch may change. A full update (PUT) sets all but cloud_limits_archived.
TEAM_EDITABLE = (
    "display_name",
    "description",
    "company_name",
    "allowed_domains",
    "allow_open_invite",
    "group_constrained",
    "cloud_limits_archived",
)


def _announce_team(team: Team, event: str) -> None:
    """Tell the team's members what changed, without the email and invite id, which not
    every member may see."""
    publish(event, {"team": sanitized_team_json(team)}, Broadcast(team_id=team.id))


def _save_team(team: Team, fields: list[str], event: str = "update_team") -> Team:
    team.update_at = now_ms()
    team.save(update_fields=[*fields, "update_at"])
    _announce_team(team, event)
    return team


def team_patch(*, team: Team, changes: dict[str, Any]) -> Team:
    """Apply ``changes`` (already type-checked, keys from ``TEAM_EDITABLE``) after checking
    the team rules. A team that stops allowing open invites gets a new invite id, so the
    links handed out while it was open stop working."""
    values = {name: changes.get(name, getattr(team, name)) for name in TEAM_EDITABLE}
    validate_team(
        display_name=values["display_name"],
        name=team.name,
        description=values["description"],
        email=team.email,
        type=team.type,
        company_name=values["company_name"],
        allowed_domains=values["allowed_domains"],
    )
    fields = [name for name in TEAM_EDITABLE if name in changes]
    closing = team.allow_open_invite and not values["allow_open_invite"]
    for name in fields:
        setattr(team, name, values[name])
    if closing:
        team.invite_id = new_id()
        fields.append("invite_id")
    return _save_team(team, fields)


def team_set_privacy(*, team: Team, privacy: str) -> Team:
    """Make the team open (``O``: anyone may find and join it) or invite only (``I``).
    Becoming invite only, the team gets a new invite id."""
    open_invite = privacy == TEAM_OPEN
    if (team.type, team.allow_open_invite) != (privacy, open_invite) and not open_invite:
        team.invite_id = new_id()
    team.type = privacy
    team.allow_open_invite = open_invite
    return _save_team(team, ["type", "allow_open_invite", "invite_id"])


def team_regenerate_invite_id(*, team: Team) -> Team:
    team.invite_id = new_id()
    return _save_team(team, ["invite_id"])


def team_archive(*, team: Team) -> Team:
    """Archive (soft delete) the team; its channels and memberships are kept for a restore."""
    team.delete_at = now_ms()
    return _save_team(team, ["delete_at"], "delete_team")


def team_restore(*, team: Team) -> Team:
    team.delete_at = 0
    return _save_team(team, ["delete_at"], "restore_team")


def team_delete_permanently(*, team: Team) -> None:
    """Remove the team for good. Deleting it cascades, in one transaction, to its channels,
    their memberships and the team memberships."""
    Team.objects.filter(pk=team.pk).delete()
    team.delete_at = team.update_at = now_ms()
    _announce_team(team, "delete_team")
