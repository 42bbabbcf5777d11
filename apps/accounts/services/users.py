"""Creating and editing accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts import validators
from apps.accounts.models import (
    ROLE_SYSTEM_ADMIN,
    ROLE_SYSTEM_GUEST,
    ROLE_SYSTEM_USER,
    Session,
    User,
)
from apps.accounts.selectors import (
    users_exist,
)
from apps.accounts.services.sessions import sessions_revoke_for_user
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import publish

PROFILE_FIELDS = ("nickname", "first_name", "last_name", "position", "locale")


def _taken(field: str) -> AppError:
    return AppError(
        f"app.user.save.{field}_exists.app_error",
        f"An account with that {field} already exists.",
        400,
    )


def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    roles: str | None = None,
    **fields: Any,
) -> User:
    """Create an account after checking every field. The first account ever created is
    the system admin; ``roles`` overrides that (used by admin tooling)."""
    username = validators.normalize_username(username)
    email = validators.normalize_email(email)
    validators.validate_username(username)
    validators.validate_email(email)
    if password is not None:
        validators.validate_password(password)
    for field in PROFILE_FIELDS:
        if field in fields:
            validators.validate_profile_field(field, fields[field])
    if roles is None:
        first = not users_exist()
        roles = f"{ROLE_SYSTEM_ADMIN} {ROLE_SYSTEM_USER}" if first else ROLE_SYSTEM_USER
    now = now_ms()
    user = User(username=username, email=email, roles=roles, create_at=now, update_at=now, **fields)
    if password:
        user.set_password(password)
        user.last_password_update = now
    else:
        user.set_unusable_password()
    if User.objects.filter(username=username).exists():
        raise _taken("username")
    if User.objects.filter(email=email).exists():
        raise _taken("email")
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # Lost a race with a concurrent sign-up of the same name or address.
        taken = "username" if User.objects.filter(username=username).exists() else "email"
        raise _taken(taken) from None
    publish("new_user", {"user_id": user.id})
    return user


def user_create_from_invite(*, invite_id: str, **fields: Any) -> User:
    """Sign up through a team's invite link: no open-server check, and the new account
    joins that team. Nothing is created if the team cannot take the user."""
    from apps.teams.models import Team
    from apps.teams.services import email_domain_allowed, team_member_add

    team = Team.objects.filter(invite_id=invite_id, delete_at=0).first() if invite_id else None
    if team is None:
        raise AppError(
            "app.team.get_by_invite_id.finding.app_error", "The invite link is not valid.", 404
        )
    email = validators.normalize_email(fields.get("email", ""))
    if not email_domain_allowed(email, team.allowed_domains):
        raise AppError(
            "api.team.invite_members.invalid_email.app_error",
            "This team only admits email addresses from its allowed domains.",
            403,
        )
    with transaction.atomic():
        user = user_create(**fields)
        team_member_add(team=team, user=user)
    return user


def user_reset_lockout(*, user: User) -> None:
    user.failed_attempts = 0
    user.last_failed_login_at = 0
    user.save(update_fields=["failed_attempts", "last_failed_login_at"])


# Editing users

# Profile fields a user (or an admin on their behalf) may change, with their validators.
EDITABLE_TEXT = ("username", "email", "nickname", "first_name", "last_name", "position", "locale")
EDITABLE_MAPS = ("props", "notify_props", "timezone")


def _announce_user(user: User) -> None:
    publish("user_updated", {"user_id": user.id})


def user_patch(*, user: User, changes: dict[str, Any]) -> User:
    """Apply profile changes (already type-checked) after validating each one."""
    if "username" in changes:
        changes["username"] = validators.normalize_username(changes["username"])
        validators.validate_username(changes["username"])
        taken = User.objects.filter(username=changes["username"]).exclude(pk=user.pk)
        if taken.exists():
            raise _taken("username")
    if "email" in changes:
        changes["email"] = validators.normalize_email(changes["email"])
        validators.validate_email(changes["email"])
        if User.objects.filter(email=changes["email"]).exclude(pk=user.pk).exists():
            raise _taken("email")
    for field in PROFILE_FIELDS:
        if field in changes:
            validators.validate_profile_field(field, changes[field])
    for field, value in changes.items():
        setattr(user, field, value)
    user.update_at = now_ms()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise _taken("username") from None
    _announce_user(user)
    return user


def user_set_active(*, user: User, active: bool) -> User:
    """Deactivate (soft delete) or reactivate an account. Deactivation ends every session."""
    if active == user.is_active:
        return user
    now = now_ms()
    user.delete_at = 0 if active else now
    user.update_at = now
    with transaction.atomic():
        user.save(update_fields=["delete_at", "update_at"])
        if not active:
            sessions_revoke_for_user(user_id=user.id)
            if not user.is_bot and settings.MATTERMOST.disable_bots_when_owner_is_deactivated:
                _disable_bots_of(user)
    _announce_user(user)
    return user


def _disable_bots_of(owner: User) -> None:
    """One bot at a time, as upstream: an owner has a handful, and each needs its sessions
    ended and its change announced."""
    for bot in User.objects.filter(is_bot=True, bot_owner_id=owner.id, delete_at=0):
        user_set_active(user=bot, active=False)


def user_set_roles(*, user: User, roles: str) -> User:
    user.roles = roles
    user.update_at = now_ms()
    with transaction.atomic():
        user.save(update_fields=["roles", "update_at"])
        # Sessions carry a copy of the roles; keep them in step.
        for session in Session.objects.filter(user=user):
            session.roles = roles
            session.save(update_fields=["roles"])
    _announce_user(user)
    return user


def user_set_system_admin(*, user: User, admin: bool) -> User:
    """Give or take the ``system_admin`` role, keeping the user's other roles; a system
    admin stays a system user when demoted. Guests are refused: their team and channel
    memberships are a guest's, so they must become users first."""
    if admin and ROLE_SYSTEM_GUEST in user.role_names:
        raise AppError(
            "app.user.promote_guest.app_error",
            f"{user.username} is a guest; make them a user before a system admin.",
            400,
        )
    kept = [name for name in user.role_names if name not in (ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_USER)]
    if ROLE_SYSTEM_GUEST not in kept:
        kept.insert(0, ROLE_SYSTEM_USER)
    roles = " ".join([ROLE_SYSTEM_ADMIN, *kept] if admin else kept)
    return user if roles == user.roles else user_set_roles(user=user, roles=roles)


def user_set_password(*, user: User, password: str, keep: Session | None = None) -> None:
    """Set a new password and end the user's sessions, except ``keep`` (the caller's own
    session when users change their own password)."""
    validators.validate_password(password)
    now = now_ms()
    user.set_password(password)
    user.last_password_update = now
    user.update_at = now
    user.failed_attempts = 0
    with transaction.atomic():
        user.save(
            update_fields=["password", "last_password_update", "update_at", "failed_attempts"]
        )
        sessions_revoke_for_user(user_id=user.id, keep=keep)


def user_change_own_password(
    *, user: User, current_password: str, new_password: str, keep: Session | None
) -> None:
    """A user replaces their own password, proving they know the current one. Their other
    sessions end; ``keep`` (the one they are using) stays."""
    if not user.check_password(current_password):
        raise AppError(
            "api.user.update_password.incorrect.app_error",
            "The current password is wrong.",
            400,
        )
    user_set_password(user=user, password=new_password, keep=keep)
