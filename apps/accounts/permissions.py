"""Who may do what to users."""

from __future__ import annotations

from apps.accounts.models import User
from apps.accounts.selectors import user_get_or_404
from apps.core.errors import permission_denied
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


# Preferences and status


def require_user_settings_access(actor: User, target_user_id: str) -> None:
    """The actor may manage this user's settings (their own, or anyone's with
    ``edit_other_users``) and the user exists. The permission is checked first, so a caller
    without it cannot probe which ids exist."""
    require_self_or_permission(actor, target_user_id, "edit_other_users")
    if actor.id != target_user_id:
        user_get_or_404(target_user_id)
