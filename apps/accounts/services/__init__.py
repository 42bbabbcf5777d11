"""Every write to users and what belongs to them, one module per concern. Callers import
from here; the modules are how the code is kept in rooms of a sensible size."""

from apps.accounts.services.login import credentials_check, invalid_credentials, login
from apps.accounts.services.preferences import PreferenceData, preferences_delete, preferences_save
from apps.accounts.services.profile_images import (
    user_remove_profile_image,
    user_set_profile_image,
)
from apps.accounts.services.sessions import (
    MAX_DEVICE_ID_LENGTH,
    SESSION_PROP_V1_TEAM,
    SESSION_TYPE_ACCESS_TOKEN,
    access_token_create,
    access_token_disable,
    access_token_enable,
    access_token_revoke,
    access_token_session_open,
    session_attach_device,
    session_create,
    session_revoke,
    session_revoke_of_user,
    sessions_remove_expired,
    sessions_revoke_everyone,
    sessions_revoke_for_user,
)
from apps.accounts.services.status import status_note_activity, status_set
from apps.accounts.services.users import (
    EDITABLE_MAPS,
    EDITABLE_TEXT,
    user_change_own_password,
    user_create,
    user_create_from_invite,
    user_patch,
    user_reset_lockout,
    user_set_active,
    user_set_password,
    user_set_roles,
    user_set_system_admin,
)

__all__ = [
    "EDITABLE_MAPS",
    "EDITABLE_TEXT",
    "MAX_DEVICE_ID_LENGTH",
    "SESSION_PROP_V1_TEAM",
    "SESSION_TYPE_ACCESS_TOKEN",
    "PreferenceData",
    "access_token_create",
    "access_token_disable",
    "access_token_enable",
    "access_token_revoke",
    "access_token_session_open",
    "credentials_check",
    "invalid_credentials",
    "login",
    "preferences_delete",
    "preferences_save",
    "session_attach_device",
    "session_create",
    "session_revoke",
    "session_revoke_of_user",
    "sessions_remove_expired",
    "sessions_revoke_everyone",
    "sessions_revoke_for_user",
    "status_note_activity",
    "status_set",
    "user_change_own_password",
    "user_create",
    "user_create_from_invite",
    "user_patch",
    "user_remove_profile_image",
    "user_reset_lockout",
    "user_set_active",
    "user_set_password",
    "user_set_profile_image",
    "user_set_roles",
    "user_set_system_admin",
]
