"""Built-in roles and what they allow, as Mattermost ships them by default.

``system_admin`` holds every permission. A permission granted by any of a member's roles
(channel, then team, then system) is enough.
"""

from __future__ import annotations

from collections.abc import Iterable

SYSTEM_ADMIN = "system_admin"
SYSTEM_USER = "system_user"
SYSTEM_GUEST = "system_guest"

_BOOKMARKS = {
    f"{verb}_bookmark_{kind}_channel"
    for verb in ("add", "edit", "delete", "order")
    for kind in ("public", "private")
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    SYSTEM_USER: frozenset(
        {
            "list_public_teams",
            "join_public_teams",
            "create_direct_channel",
            "create_group_channel",
            "view_members",
            "create_team",
            "create_custom_group",
            "edit_custom_group",
            "delete_custom_group",
            "restore_custom_group",
            "manage_custom_group_members",
        }
    ),
    SYSTEM_GUEST: frozenset({"create_direct_channel", "create_group_channel"}),
    "system_post_all": frozenset({"create_post", "use_channel_mentions"}),
    "system_post_all_public": frozenset({"create_post_public", "use_channel_mentions"}),
    "system_user_access_token": frozenset(
        {"create_user_access_token", "read_user_access_token", "revoke_user_access_token"}
    ),
    "team_guest": frozenset({"view_team"}),
    "team_user": frozenset(
        {
            "list_team_channels",
            "join_public_channels",
            "read_public_channel",
            "view_team",
            "create_public_channel",
            "create_private_channel",
            "invite_user",
            "add_user_to_team",
        }
    ),
    "team_post_all": frozenset({"create_post", "use_channel_mentions"}),
    "team_post_all_public": frozenset({"create_post_public", "use_channel_mentions"}),
    "team_admin": frozenset(
        {
            "remove_user_from_team",
            "manage_team",
            "import_team",
            "manage_team_roles",
            "manage_channel_roles",
            "manage_others_incoming_webhooks",
            "manage_others_outgoing_webhooks",
            "manage_slash_commands",
            "manage_others_slash_commands",
            "manage_incoming_webhooks",
            "manage_outgoing_webhooks",
            "convert_public_channel_to_private",
            "convert_private_channel_to_public",
            "delete_post",
            "delete_others_posts",
            *_BOOKMARKS,
        }
    ),
    "channel_guest": frozenset(
        {
            "read_channel",
            "read_channel_content",
            "add_reaction",
            "remove_reaction",
            "upload_file",
            "edit_post",
            "create_post",
            "use_channel_mentions",
        }
    ),
    "channel_user": frozenset(
        {
            "read_channel",
            "read_channel_content",
            "add_reaction",
            "remove_reaction",
            "manage_public_channel_members",
            "upload_file",
            "get_public_link",
            "create_post",
            "use_channel_mentions",
            "manage_public_channel_properties",
            "delete_public_channel",
            "manage_private_channel_properties",
            "delete_private_channel",
            "manage_private_channel_members",
            "delete_post",
            "edit_post",
            *_BOOKMARKS,
        }
    ),
    "channel_admin": frozenset({"manage_channel_roles", "use_group_mentions", *_BOOKMARKS}),
}

SYSTEM_ROLES = frozenset(
    {SYSTEM_ADMIN, *(name for name in ROLE_PERMISSIONS if name.startswith("system_"))}
)


def roles_grant(roles: Iterable[str], permission: str) -> bool:
    """Whether any of ``roles`` grants ``permission``."""
    for role in roles:
        if role == SYSTEM_ADMIN or permission in ROLE_PERMISSIONS.get(role, ()):
            return True
    return False
