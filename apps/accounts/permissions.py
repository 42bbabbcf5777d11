"""Who may do what to users."""

from __future__ import annotations

from django.conf import settings

from apps.accounts.models import User
from apps.accounts.selectors import UserScope, bot_not_found, user_get_or_404, users_exist
from apps.core.errors import AppError, permission_denied
from apps.core.roles import roles_grant


def has_system_permission(user: User, permission: str) -> bool:
    return roles_grant(user.role_names, permission)


def require_system_permission(user: User, permission: str) -> None:
    if not has_system_permission(user, permission):
        raise permission_denied(user.id, permission)


def require_self_or_permission(actor: User, target_user_id: str, permission: str) -> None:
    """Acting on oneself is allowed; acting on someone else needs ``permission``
    (``edit_other_users`` for most user routes)."""
    if actor.id != target_user_id:
        require_system_permission(actor, permission)


def require_scope_visible(viewer: User, scope: UserScope) -> None:
    """The viewer may list members of the scope's teams and channels (or, with the
    permission for it, users without a team)."""
    from apps.channels.permissions import require_channel_permission
    from apps.teams.permissions import require_team_permission

    for team_id in (scope.in_team, scope.not_in_team):
        if team_id:
            require_team_permission(viewer, team_id, "view_team")
    for channel_id in (scope.in_channel, scope.not_in_channel):
        if channel_id:
            require_channel_permission(viewer, channel_id, "read_channel")
    if scope.without_team:
        require_system_permission(viewer, "list_users_without_team")


def require_user_editable(actor: User, user: User) -> None:
    """Only those who manage the system may change a system admin's account."""
    if user.is_system_admin and not has_system_permission(actor, "manage_system"):
        raise permission_denied(actor.id, "manage_system")


def require_may_deactivate(actor: User, user: User) -> None:
    """Deactivating one's own account needs the setting that allows it (admins always may);
    deactivating others is decided by the route's own permission."""
    if actor.id != user.id:
        return
    if settings.MATTERMOST.enable_user_deactivation or has_system_permission(
        actor, "manage_system"
    ):
        return
    raise AppError(
        "api.user.update_active.not_enable.app_error",
        "Deactivating your own account is switched off.",
        401,
    )


def require_password_for_email_change(
    actor: User, user: User, *, new_email: object, password: object, missing: AppError
) -> None:
    """Changing one's own email address needs the current password (``missing`` is the
    error when none was sent), so a stolen session cannot take the account over."""
    if actor.id != user.id or not isinstance(new_email, str):
        return
    if new_email.strip().lower() == user.email:
        return
    if not isinstance(password, str) or not password:
        raise missing
    if not user.check_password(password):
        raise AppError(
            "api.user.check_user_password.invalid.app_error", "The password is wrong.", 401
        )


def require_account_creation_allowed(actor: User | None) -> None:
    """Who may create an account without an invitation: admins, anyone while the server
    has no account yet (the first one sets it up), else anyone only on an open server with
    email sign-up switched on."""
    config = settings.MATTERMOST
    if actor is not None and actor.is_system_admin:
        return
    if not users_exist():
        return
    if not (config.enable_user_creation and config.enable_sign_up_with_email):
        raise AppError(
            "api.user.create_user.signup_email_disabled.app_error",
            "Signing up with an email address is switched off.",
            501,
        )
    if not config.enable_open_server:
        raise AppError(
            "api.user.create_user.no_open_server",
            "This server does not allow sign-up without an invitation.",
            403,
        )


# Preferences and status


def require_user_settings_access(actor: User, target_user_id: str) -> None:
    """The actor may manage this user's settings (their own, or anyone's with
    ``edit_other_users``) and the user exists. The permission is checked first, so a caller
    without it cannot probe which ids exist."""
    require_self_or_permission(actor, target_user_id, "edit_other_users")
    if actor.id != target_user_id:
        user_get_or_404(target_user_id)


# Bots. Where the caller may not even read a bot, it answers as missing, as upstream does,
# so that a user's being a bot is not revealed.


def may_read_bot(actor: User, bot: User) -> bool:
    if has_system_permission(actor, "read_others_bots"):
        return True
    return bot.bot_owner_id == actor.id and has_system_permission(actor, "read_bots")


def require_bot_readable(actor: User, bot: User) -> None:
    if not may_read_bot(actor, bot):
        raise bot_not_found()


def require_bot_manageable(actor: User, bot: User) -> None:
    """``manage_bots`` for one's own bots, ``manage_others_bots`` for the rest; without the
    matching read permission the bot looks missing."""
    own = bot.bot_owner_id == actor.id
    manage, read = (
        ("manage_bots", "read_bots") if own else ("manage_others_bots", "read_others_bots")
    )
    if has_system_permission(actor, manage):
        return
    if not has_system_permission(actor, read):
        raise bot_not_found()
    raise permission_denied(actor.id, manage)


def require_user_or_bot_access(actor: User, target: User) -> None:
    """Acting for a bot (such as minting its access token) needs the right to manage it;
    acting for a person, being them or ``edit_other_users``. Either refusal is a 403."""
    if target.is_bot:
        try:
            require_bot_manageable(actor, target)
        except AppError:
            raise permission_denied(actor.id, "edit_other_users") from None
        return
    require_self_or_permission(actor, target.id, "edit_other_users")
