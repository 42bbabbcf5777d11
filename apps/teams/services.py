"""Writes to teams and team membership."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare

from apps.accounts.models import User
from apps.channels.services import (
    categories_clear_team,
    categories_ensure_defaults,
    channel_create_defaults,
    channels_join_defaults,
    channels_leave_team,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.core.ids import new_id
from apps.core.membership import parse_member_roles
from apps.core.roles import SYSTEM_GUEST
from apps.posts.services.system_posts import post_team_joined, post_team_left
from apps.teams.models import TEAM_OPEN, Team, TeamMember
from apps.teams.selectors import (
    team_active_member_count,
    team_get_by_invite_id,
    team_membership_get,
)
from apps.teams.validators import email_domain_allowed, validate_team
from apps.teams.wire import sanitized_team_json, team_member_fields


def _name_taken() -> AppError:
    return AppError("app.team.save.existing.app_error", "A team with that name exists.", 400)


def team_create(
    *,
    creator: User | None,
    display_name: str,
    name: str,
    type: str,
    email: str = "",
    description: str = "",
    company_name: str = "",
    allowed_domains: str = "",
    allow_open_invite: bool = False,
) -> Team:
    """A new team with its default channels; the creator joins as team admin. The team's
    email is the creator's, whatever the client asked for (as in Mattermost). Without a
    creator (API v1 creates teams before their first member signs up) the team has no
    members yet and keeps ``email``: whoever later signs up with it becomes its admin."""
    email = creator.email if creator is not None else email.strip().lower()
    validate_team(
        display_name=display_name,
        name=name,
        description=description,
        email=email,
        type=type,
        company_name=company_name,
        allowed_domains=allowed_domains,
    )
    if creator is None and not email:
        raise AppError("model.team.is_valid.email.app_error", "A team needs an email address.", 400)
    if creator is not None and not email_domain_allowed(email, allowed_domains):
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
        email=email,
        company_name=company_name,
        allowed_domains=allowed_domains,
        allow_open_invite=allow_open_invite,
        create_at=now,
        update_at=now,
    )
    try:
        with transaction.atomic():
            team.save(force_insert=True)
            channel_create_defaults(team=team)
            if creator is not None:
                # Joining the team one creates is not announced.
                _member_add(team, creator, admin=True, actor=None)
    except IntegrityError:
        raise _name_taken() from None
    return team


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


def team_member_add(
    *,
    team: Team,
    user: User,
    admin: bool = False,
    actor: User | None = None,
    channel_admin: bool = False,
) -> TeamMember:
    """Add ``user`` to ``team`` (or bring them back after they left) and into its default
    channels (``channel_admin``: as their admin). Adding a current member changes nothing.
    ``actor`` is who did it (by default the user: they joined); the team's channels are
    told either way."""
    return _member_add(team, user, admin=admin, actor=actor or user, channel_admin=channel_admin)


def _member_add(
    team: Team, user: User, *, admin: bool, actor: User | None, channel_admin: bool = False
) -> TeamMember:
    """``team_member_add``; with no ``actor`` nothing is posted about it."""
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
        categories_ensure_defaults(user_id=user.id, team_id=team.id)
        joined = channels_join_defaults(team=team, user=user, admin=channel_admin)
        if actor is not None:
            post_team_joined(team=team, user=user, actor=actor, channels=joined)
    publish("added_to_team", {"team_id": team.id, "user_id": user.id}, Broadcast(user_id=user.id))
    return member


def team_member_remove(*, team: Team, user: User, remover: User | None = None) -> None:
    """``user`` leaves ``team`` (or is removed by ``remover``, by default themself): the
    membership is kept with ``delete_at`` set, and their memberships of the team's channels
    end. Town-square hears about it first, while the user is still there."""
    with transaction.atomic():
        updated = TeamMember.objects.filter(team=team, user=user, delete_at=0).update(
            delete_at=now_ms()
        )
        if not updated:
            return
        post_team_left(team=team, user=user, remover=remover or user)
        channels_leave_team(team=team, user=user)
        categories_clear_team(user_id=user.id, team_id=team.id)
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


# Membership roles


def _guest_and_user() -> AppError:
    return AppError(
        "api.team.update_team_member_roles.guest_and_user.app_error",
        "A team member cannot be both a guest and a user.",
        400,
    )


def _save_member_roles(member: TeamMember) -> TeamMember:
    member.save(update_fields=["scheme_guest", "scheme_user", "scheme_admin", "explicit_roles"])
    publish(
        "memberrole_updated",
        {"member": json.dumps(team_member_fields(member))},
        Broadcast(user_id=member.user_id),
    )
    return member


def team_member_set_roles(*, member: TeamMember, roles: str) -> TeamMember:
    """Give a member exactly these roles: ``team_guest`` / ``team_user`` / ``team_admin``
    become the scheme flags, other known roles the explicit ones. Guest status cannot be
    changed this way."""
    parsed = parse_member_roles(
        roles,
        prefix="team",
        scheme_role_error_id="api.channel.update_team_member_roles.scheme_role.app_error",
    )
    if parsed.scheme_guest and parsed.scheme_user:
        raise _guest_and_user()
    if parsed.scheme_guest != member.scheme_guest:
        raise AppError(
            "api.channel.update_team_member_roles.changing_guest_role.app_error",
            "Whether a member is a guest cannot be changed through their roles.",
            400,
        )
    member.scheme_guest = parsed.scheme_guest
    member.scheme_user = parsed.scheme_user
    member.scheme_admin = parsed.scheme_admin
    member.explicit_roles = parsed.explicit_roles
    return _save_member_roles(member)


def team_member_set_scheme_roles(
    *, member: TeamMember, scheme_guest: bool, scheme_user: bool, scheme_admin: bool
) -> TeamMember:
    if scheme_guest and scheme_user:
        raise _guest_and_user()
    member.scheme_guest = scheme_guest
    member.scheme_user = scheme_user
    member.scheme_admin = scheme_admin
    return _save_member_roles(member)


# Joining by invite, in batches, and leaving


def _check_group_constraint(team: Team, user_ids: list[str]) -> None:
    """A group-constrained team admits only members of its linked groups. No groups exist
    here, so such a team admits nobody through these routes."""
    if team.group_constrained:
        raise AppError(
            "api.team.add_members.user_denied",
            "This team only admits members of its groups.",
            400,
            f"user_ids={','.join(user_ids)}",
        )


def team_member_add_checked(*, team: Team, user: User, actor: User | None = None) -> TeamMember:
    """``team_member_add`` behind the rules the API applies first."""
    _check_group_constraint(team, [user.id])
    return team_member_add(team=team, user=user, actor=actor)


def team_member_join_by_invite(
    *, user: User, invite_id: str, team_id: str | None = None
) -> TeamMember:
    """``user`` joins the team whose invite link carries ``invite_id`` (and, when given,
    whose id is ``team_id``). A regenerated invite id invalidates the old links."""
    if SYSTEM_GUEST in user.role_names:
        raise AppError(
            "api.team.add_user_to_team_from_invite.guest.app_error",
            "Guests cannot join a team through its invite link.",
            403,
        )
    team = team_get_by_invite_id(invite_id)
    if team is None or (team_id is not None and team.id != team_id):
        raise AppError(
            "app.team.get_by_invite_id.finding.app_error",
            "No team has this invite link.",
            404,
        )
    if team.group_constrained:
        raise AppError(
            "app.team.invite_id.group_constrained.error",
            "This team's members come from its groups; its invite link cannot be used.",
            403,
        )
    return team_member_add(team=team, user=user)


@dataclass(frozen=True)
class MemberAdded:
    """The outcome of adding one user in a batch: the member, or why it failed."""

    user_id: str
    member: TeamMember | None = None
    error: AppError | None = None


def _missing_user() -> AppError:
    return AppError("app.user.missing_account.const", "There is no user with that id.", 404)


def team_members_add(
    *, team: Team, user_ids: list[str], graceful: bool, actor: User | None = None
) -> list[MemberAdded]:
    """Add these users to ``team`` (``actor`` adds them; by default each joins). Normally
    the first failure undoes the whole batch; with ``graceful`` each failure is reported
    beside the successes instead."""
    _check_group_constraint(team, user_ids)
    users = {user.id: user for user in User.objects.filter(pk__in=user_ids)}
    results: list[MemberAdded] = []
    with transaction.atomic():
        for user_id in user_ids:
            try:
                user = users.get(user_id)
                if user is None:
                    raise _missing_user()
                with transaction.atomic():
                    member = team_member_add(team=team, user=user, actor=actor)
            except AppError as error:
                if not graceful:
                    raise
                results.append(MemberAdded(user_id=user_id, error=error))
            else:
                results.append(MemberAdded(user_id=user_id, member=member))
    return results


def team_member_leave(*, team: Team, user: User, remover: User) -> None:
    """``user`` leaves ``team`` (``remover`` is themselves) or is removed by ``remover``.
    Removing the last admin is allowed, as in Mattermost."""
    if team.group_constrained and remover.id != user.id and not user.is_bot:
        raise AppError(
            "api.team.remove_member.group_constrained.app_error",
            "Members of a group-constrained team are managed through its groups.",
            400,
        )
    if team_membership_get(team_id=team.id, user_id=user.id) is None:
        raise AppError(
            "api.team.remove_user_from_team.missing.app_error",
            "This user is not a member of the team.",
            400,
        )
    team_member_remove(team=team, user=user, remover=remover)


# API v1: signing up straight into a team


def team_sign_up(
    *, team: Team, username: str, email: str, password: str, **fields: Any
) -> TeamMember:
    """A new account that joins ``team`` at once; returns its membership. Whoever signs up
    with the team's own email address becomes its admin and admin of its default channels
    (the first account of the server is its system admin anyway). Nothing is created if
    the team cannot take the user."""
    from apps.accounts.services import user_create

    with transaction.atomic():
        user = user_create(username=username, email=email, password=password, **fields)
        owner = bool(team.email) and user.email == team.email.lower()
        return team_member_add(team=team, user=user, admin=owner, channel_admin=owner)


# A team sign-up link (``teams/signup``) is good for an hour, as in Mattermost 1.x.
SIGNUP_LINK_MS = 60 * 60 * 1000
_SIGNUP_SIGNER = signing.Signer(salt="apps.teams.team-signup")


@dataclass(frozen=True)
class SignupLink:
    """What ``teams/signup`` hands out: the signed ``data`` and its ``hash``."""

    data: str
    hash: str


def team_signup_link(*, email: str, now: int | None = None) -> SignupLink:
    """A link that lets ``email`` create a team (and its first account) within the hour.
    Nothing is mailed: the client gets the link itself."""
    data = json.dumps(
        {"email": email.strip().lower(), "time": str(now or now_ms())}, separators=(",", ":")
    )
    return SignupLink(data=data, hash=_SIGNUP_SIGNER.signature(data))


def _invalid_signup_link(reason: str) -> AppError:
    return AppError(
        "api.team.create_team_from_signup.invalid_link.app_error",
        f"The sign-up link is not valid: {reason}.",
        400,
    )


def team_signup_email(link: SignupLink, *, now: int | None = None) -> str:
    """The email address a signed, unexpired link was made for; anything else is a 400."""
    if not constant_time_compare(link.hash, _SIGNUP_SIGNER.signature(link.data)):
        raise _invalid_signup_link("it was not made by this server")
    try:
        props = json.loads(link.data)
        email, made_at = str(props["email"]), int(props["time"])
    except (ValueError, TypeError, KeyError):
        raise _invalid_signup_link("its data cannot be read") from None
    if (now or now_ms()) - made_at > SIGNUP_LINK_MS:
        raise AppError(
            "api.team.create_team_from_signup.expired_link.app_error",
            "The sign-up link has expired; ask for a new one.",
            400,
        )
    return email


def team_create_from_signup(
    *, link: SignupLink, team_fields: dict[str, Any], user_fields: dict[str, Any]
) -> tuple[Team, User]:
    """The team and its first account (its admin) from a sign-up link: both are made with
    the link's email address, or neither is."""
    from apps.accounts.services import user_create

    email = team_signup_email(link)
    with transaction.atomic():
        user = user_create(email=email, **user_fields)
        team = team_create(creator=user, **team_fields)
    return team, user
