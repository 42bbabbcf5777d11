"""Who may see and arrange a user's sidebar categories, as Mattermost decides it."""

from __future__ import annotations

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_self_or_permission
from apps.channels.models import SidebarCategory
from apps.teams.permissions import require_team_permission

OTHERS_SIDEBARS = "edit_other_users"


def require_sidebar_access(viewer: User, *, user_id: str, team_id: str) -> None:
    """The viewer acts for ``user_id`` (themselves, or anyone with ``edit_other_users``)
    and may view the team."""
    require_self_or_permission(viewer, user_id, OTHERS_SIDEBARS)
    require_team_permission(viewer, team_id, "view_team")


def may_use_category(
    viewer: User, *, user_id: str, team_id: str, category: SidebarCategory | None
) -> bool:
    """``edit_other_users`` opens every category; anyone else only their own, named by
    their own user id and its team. A missing category is refused like someone else's."""
    if has_system_permission(viewer, OTHERS_SIDEBARS):
        return True
    return (
        category is not None
        and category.user_id == viewer.id == user_id
        and category.team_id == team_id
    )
