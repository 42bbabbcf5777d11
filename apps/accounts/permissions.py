"""Who may do what to users."""

from __future__ import annotations

from apps.accounts.models import User
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
