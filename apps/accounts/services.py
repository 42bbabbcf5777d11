"""Every write to users, sessions, preferences and statuses."""

from __future__ import annotations

import datetime
import json
import operator
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import reduce
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.accounts import images, validators
from apps.accounts.models import (
    ROLE_SYSTEM_ADMIN,
    ROLE_SYSTEM_GUEST,
    ROLE_SYSTEM_USER,
    STATUS_DND,
    STATUS_OFFLINE,
    STATUS_ONLINE,
    STATUS_VALUES,
    Preference,
    Session,
    Status,
    User,
    UserAccessToken,
    hash_token,
)
from apps.accounts.selectors import (
    access_token_get_by_token,
    session_get,
    session_remember,
    user_for_login,
    users_exist,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError, invalid_body_param, invalid_url_param
from apps.core.events import Broadcast, publish
from apps.core.ids import is_valid_id, new_id

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


# Login


def _login_error(suffix: str, message: str, status: int = 401) -> AppError:
    return AppError(f"api.user.{suffix}", message, status)


def invalid_credentials() -> AppError:
    """The one error for every wrong-user or wrong-password case, so a login attempt does
    not reveal which accounts exist."""
    config = settings.MATTERMOST
    if config.enable_sign_in_with_email and config.enable_sign_in_with_username:
        suffix = "email_username"
    elif config.enable_sign_in_with_email:
        suffix = "email"
    else:
        suffix = "username"
    return _login_error(
        f"login.invalid_credentials_{suffix}", "The login name or the password is wrong."
    )


def _locked_out(user: User, now: int) -> bool:
    config = settings.MATTERMOST
    if user.failed_attempts < config.maximum_login_attempts:
        return False
    minutes = config.login_lockout_minutes
    return minutes == 0 or now - user.last_failed_login_at < minutes * 60_000


def login(
    *, login_id: str, user_id: str, password: str, device_id: str, props: dict[str, str]
) -> tuple[User, Session, str]:
    """Check a password login and open a session. Returns the user, session and token."""
    if not password:
        raise _login_error(
            "login.blank_pwd.app_error", "A password is needed to log in.", status=400
        )
    user = user_for_login(login_id=login_id, user_id=user_id)
    if user is None:
        User().set_password(password)  # spend the same time as for a real account
        raise invalid_credentials()
    if not user.is_active:
        raise _login_error("login.inactive.app_error", "This account has been deactivated.")
    if user.is_bot:
        raise _login_error(
            "login.bot_login_forbidden.app_error", "Bot accounts cannot log in with a password."
        )
    now = now_ms()
    if _locked_out(user, now):
        raise _login_error(
            "check_user_login_attempts.too_many.app_error",
            "Too many failed logins: this account is locked for now.",
        )
    if not user.check_password(password):
        expired = user.failed_attempts >= settings.MATTERMOST.maximum_login_attempts
        user.failed_attempts = 1 if expired else user.failed_attempts + 1
        user.last_failed_login_at = now
        user.save(update_fields=["failed_attempts", "last_failed_login_at"])
        raise invalid_credentials()
    user.failed_attempts = 0
    user.last_login = datetime.datetime.now(tz=datetime.UTC)
    user.save(update_fields=["failed_attempts", "last_login"])
    if device_id:
        # A device holds one session: logging in again from it ends the older one.
        Session.objects.filter(user=user, device_id=device_id).delete()
    session, token = session_create(user=user, device_id=device_id, props=props)
    return user, session, token


def user_reset_lockout(*, user: User) -> None:
    user.failed_attempts = 0
    user.last_failed_login_at = 0
    user.save(update_fields=["failed_attempts", "last_failed_login_at"])


def session_create(
    *, user: User, device_id: str = "", props: dict[str, str] | None = None
) -> tuple[Session, str]:
    """A new login session for ``user``. Returns it with its bearer token, which is not
    stored anywhere and cannot be recovered later."""
    token = new_id()
    now = now_ms()
    lifetime_ms = settings.MATTERMOST.session_length_web_in_hours * 3600 * 1000
    session = Session.objects.create(
        token_hash=hash_token(token),
        user=user,
        create_at=now,
        last_activity_at=now,
        expires_at=now + lifetime_ms,
        device_id=device_id,
        roles=user.roles,
        props={"csrf": new_id(), **(props or {})},
    )
    return session, token


def session_revoke(*, session: Session) -> None:
    Session.objects.filter(pk=session.pk).delete()


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
            sessions_revoke_for_user(user=user)
    _announce_user(user)
    return user


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
        sessions_revoke_for_user(user=user, keep=keep)


def sessions_revoke_for_user(*, user: User, keep: Session | None = None) -> None:
    sessions = Session.objects.filter(user=user)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    sessions.delete()


# Preferences and status

PREFERENCE_KEY_MAX_BYTES = 32
PREFERENCE_VALUE_MAX_CHARS = 20000
THEME_CATEGORY = "theme"
# Theme entries that name things rather than colours; every other entry must be a colour.
_THEME_NAMED_ENTRIES = frozenset({"image", "type", "codeTheme"})
_THEME_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_THEME_FALLBACK_COLOUR = "#ffffff"
VISIBLE_DMS_GMS = ("sidebar_settings", "limit_visible_dms_gms")
VISIBLE_DMS_GMS_MAX = 40


@dataclass(frozen=True)
class PreferenceData:
    """A preference as a client sends it, before it is checked."""

    user_id: str
    category: str
    name: str
    value: str = ""


def _invalid_preference(field: str, message: str, detail: str) -> AppError:
    return AppError(f"model.preference.is_valid.{field}.app_error", message, 400, detail)


def _theme_cleaned(value: str) -> str:
    """A theme is a JSON object of strings. Entries that should be colours but are not are
    reset to white, so a theme cannot smuggle arbitrary CSS into other clients' pages."""
    try:
        theme = json.loads(value)
    except (ValueError, RecursionError):
        theme = None
    if not isinstance(theme, dict) or not all(isinstance(v, str) for v in theme.values()):
        raise _invalid_preference(
            "theme", "A theme must be a JSON object whose values are strings.", value[:200]
        )
    cleaned = {
        key: entry
        if key in _THEME_NAMED_ENTRIES or _THEME_COLOUR.fullmatch(entry)
        else _THEME_FALLBACK_COLOUR
        for key, entry in theme.items()
    }
    return json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _preference_checked(item: PreferenceData) -> PreferenceData:
    """``item`` if it may be stored (with its theme cleaned), else the 400 that explains why."""
    if not item.category or len(item.category.encode()) > PREFERENCE_KEY_MAX_BYTES:
        raise _invalid_preference(
            "category", "A preference category must be 1 to 32 bytes long.", item.category
        )
    if len(item.name.encode()) > PREFERENCE_KEY_MAX_BYTES:
        raise _invalid_preference(
            "name", "A preference name must be at most 32 bytes long.", item.name
        )
    if len(item.value) > PREFERENCE_VALUE_MAX_CHARS:
        raise _invalid_preference(
            "value",
            f"A preference value must be at most {PREFERENCE_VALUE_MAX_CHARS} characters long.",
            f"{item.category}/{item.name}",
        )
    if (item.category, item.name) == VISIBLE_DMS_GMS:
        limit = int(item.value) if re.fullmatch(r"[+-]?[0-9]{1,9}", item.value) else 0
        if not 1 <= limit <= VISIBLE_DMS_GMS_MAX:
            raise _invalid_preference(
                "limit_visible_dms_gms",
                f"The number of visible direct messages must be 1 to {VISIBLE_DMS_GMS_MAX}.",
                item.value,
            )
    if item.category == THEME_CATEGORY:
        return replace(item, value=_theme_cleaned(item.value))
    return item


def _require_own_preferences(
    user_id: str, preferences: Sequence[PreferenceData], error_id: str
) -> None:
    for item in preferences:
        if item.user_id != user_id:
            raise AppError(
                error_id,
                "Every preference in the list must belong to the user named in the URL.",
                403,
                f"userId={user_id}, preference.UserId={item.user_id}",
            )


def _preferences_json(preferences: Sequence[PreferenceData]) -> str:
    # Events carry nested objects as JSON strings, which is what clients parse.
    return json.dumps([asdict(item) for item in preferences], separators=(",", ":"))


def preferences_save(*, user_id: str, preferences: Sequence[PreferenceData]) -> None:
    """Create or overwrite these preferences of one user, all or none."""
    _require_own_preferences(
        user_id, preferences, "api.preference.update_preferences.set.app_error"
    )
    checked = [_preference_checked(item) for item in preferences]
    # The same key twice in one list: the last one wins, as if they were saved in turn.
    latest = list({(item.category, item.name): item for item in checked}.values())
    if not latest:
        return
    with transaction.atomic():
        Preference.objects.bulk_create(
            [
                Preference(user_id=user_id, category=i.category, name=i.name, value=i.value)
                for i in latest
            ],
            update_conflicts=True,
            unique_fields=["user", "category", "name"],
            update_fields=["value"],
        )
        publish(
            "preferences_changed",
            {"preferences": _preferences_json(latest)},
            Broadcast(user_id=user_id),
        )


def preferences_delete(*, user_id: str, preferences: Sequence[PreferenceData]) -> None:
    """Remove these preferences (matched by category and name) of one user."""
    _require_own_preferences(
        user_id, preferences, "api.preference.delete_preferences.delete.app_error"
    )
    if not preferences:
        return  # an empty filter would match every row
    keys = reduce(operator.or_, (Q(category=i.category, name=i.name) for i in preferences))
    with transaction.atomic():
        Preference.objects.filter(keys, user_id=user_id).delete()
        publish(
            "preferences_deleted",
            {"preferences": _preferences_json(preferences)},
            Broadcast(user_id=user_id),
        )


# Do-not-disturb ends on a whole minute, like Mattermost's expiry job that runs each minute.
DND_END_GRANULARITY_SECONDS = 60
# Activity is written at most this often per user, so requests do not all write.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60


def _announce_status(user_id: str, status: str) -> None:
    publish("status_change", {"status": status, "user_id": user_id}, Broadcast(user_id=user_id))


@transaction.atomic
def status_set(*, user_id: str, status: str, dnd_end_time: int = 0) -> Status:
    """The status a user chose. Anything but ``online`` sticks until they choose again;
    ``online`` hands the status back to activity tracking. ``dnd_end_time`` (Unix seconds,
    0 for no end) applies to ``dnd`` only."""
    if status not in STATUS_VALUES:
        raise invalid_body_param("status", f"unknown status {status!r}")
    row = Status.objects.select_for_update().filter(user_id=user_id).first()
    row = row or Status(user_id=user_id, status=STATUS_OFFLINE)
    if status == STATUS_DND:
        if row.status != STATUS_DND:
            row.prev_status = row.status
        row.dnd_end_time = dnd_end_time - dnd_end_time % DND_END_GRANULARITY_SECONDS
    else:
        row.prev_status = ""
        row.dnd_end_time = 0
    if status in (STATUS_ONLINE, STATUS_OFFLINE):
        row.last_activity_at = now_ms()
    row.status = status
    row.manual = status != STATUS_ONLINE
    row.save()
    _announce_status(user_id, status)
    return row


def _activity_key(user_id: str) -> str:
    return f"status-activity:{user_id}"


def status_note_activity(*, user_id: str) -> None:
    """The user just did something: stamp their activity and make them online, unless they
    chose a status by hand. Writes at most once per ``ACTIVITY_WRITE_INTERVAL_SECONDS``."""
    if not caches["default"].add(_activity_key(user_id), 1, ACTIVITY_WRITE_INTERVAL_SECONDS):
        return
    now = now_ms()
    mine = Status.objects.filter(user_id=user_id)
    # Already online, or a chosen status: only the time moves, nobody needs telling.
    if mine.filter(Q(manual=True) | Q(status=STATUS_ONLINE)).update(last_activity_at=now):
        return
    came_back = mine.filter(manual=False).update(
        status=STATUS_ONLINE, last_activity_at=now, dnd_end_time=0, prev_status=""
    )
    if not came_back:
        try:
            with transaction.atomic():
                Status.objects.create(user_id=user_id, status=STATUS_ONLINE, last_activity_at=now)
        except IntegrityError:
            return  # a concurrent request stored a status first; it stands
    _announce_status(user_id, STATUS_ONLINE)


# Profile images


def user_set_profile_image(*, user: User, upload: IO[bytes]) -> None:
    """Store an uploaded picture as the user's 128x128 PNG and date the change, which is
    what the picture's ETag and the clients' cache-busting URLs follow."""
    try:
        png = images.profile_png_from_upload(upload)
    except images.ImageLimitError as exc:
        raise AppError(
            "api.user.upload_profile_user.check_image_limits.app_error",
            "The file is not an image we can read, or it has too many pixels.",
            400,
            str(exc),
        ) from None
    except images.ImageDecodeError as exc:
        raise AppError(
            "api.user.upload_profile_user.decode.app_error",
            "The image data is damaged and could not be decoded.",
            400,
            str(exc),
        ) from None
    if images.read_profile_image(user.id) == png:
        return  # the same picture again: keep the date so cached copies stay valid
    images.write_profile_image(user.id, png)
    now = now_ms()
    user.last_picture_update = now
    user.update_at = now
    user.save(update_fields=["last_picture_update", "update_at"])


def user_remove_profile_image(*, user: User) -> None:
    """Back to the generated picture. As in Mattermost, ``last_picture_update`` returns to
    0, which clients read as "no picture of one's own"; the ETag changes with it."""
    images.delete_profile_image(user.id)
    user.last_picture_update = 0
    user.update_at = now_ms()
    user.save(update_fields=["last_picture_update", "update_at"])


# Sessions and personal access tokens

# A personal access token's session lasts as long as the token: Mattermost gives it 100 years.
ACCESS_TOKEN_SESSION_LIFETIME_MS = 100 * 365 * 24 * 3600 * 1000
SESSION_TYPE_ACCESS_TOKEN = "UserAccessToken"
MAX_TOKEN_DESCRIPTION_BYTES = 255


def session_revoke_of_user(*, user_id: str, session_id: str) -> None:
    """End one session, which must belong to ``user_id``."""
    session = session_get(session_id) if is_valid_id(session_id) else None
    if session is None:
        raise AppError("app.session.get.app_error", "No session has that id.", 400)
    if session.user_id != user_id:
        raise invalid_url_param("user_id")
    session_revoke(session=session)


def sessions_revoke_all_of_user(*, user_id: str) -> None:
    """End every session of a user, the caller's own included."""
    Session.objects.filter(user_id=user_id).delete()


def sessions_revoke_everyone() -> None:
    Session.objects.all().delete()


def sessions_remove_expired(*, now: int | None = None) -> int:
    """Delete the sessions that have expired; returns how many."""
    expired = Session.objects.filter(expires_at__lt=now or now_ms()).exclude(expires_at=0)
    _, per_model = expired.delete()
    return per_model.get(Session._meta.label, 0)


def session_attach_device(*, session: Session, device_id: str, props: dict[str, str]) -> None:
    """Record the mobile device a session runs on (ending the user's other sessions on that
    device, which holds one session at a time) and merge ``props`` into the session's."""
    with transaction.atomic():
        current = Session.objects.select_for_update().filter(pk=session.pk).first()
        if current is None:
            return  # revoked meanwhile; nothing left to update
        if device_id:
            Session.objects.filter(user_id=current.user_id, device_id=device_id).exclude(
                pk=current.pk
            ).delete()
            current.device_id = device_id
        current.props = {**current.props, **props}
        current.save(update_fields=["device_id", "props"])


def access_token_create(*, user: User, description: str) -> tuple[UserAccessToken, str]:
    """A new personal access token for ``user``. Returns it with the token itself, which is
    not stored anywhere and cannot be shown again."""
    if not settings.MATTERMOST.enable_user_access_tokens:
        raise AppError(
            "app.user_access_token.disabled",
            "Personal access tokens are switched off on this server.",
            501,
        )
    if len(description.encode()) > MAX_TOKEN_DESCRIPTION_BYTES:
        raise AppError(
            "model.user_access_token.is_valid.description.app_error",
            f"A token description may be at most {MAX_TOKEN_DESCRIPTION_BYTES} bytes long.",
            400,
        )
    token = new_id()
    access_token = UserAccessToken.objects.create(
        token_hash=hash_token(token), user=user, description=description
    )
    return access_token, token


def _end_access_token_sessions(access_token: UserAccessToken) -> None:
    Session.objects.filter(token_hash=access_token.token_hash).delete()


# Revoking and disabling write the token row before ending its sessions: the row lock makes
# a concurrent first use (access_token_session_open) either finish first, so its session is
# ended here, or wait and then find the token unusable.


def access_token_revoke(*, access_token: UserAccessToken) -> None:
    """Delete the token; it stops working at once."""
    with transaction.atomic():
        access_token.delete()
        _end_access_token_sessions(access_token)


def access_token_disable(*, access_token: UserAccessToken) -> None:
    """Keep the token but stop it working (at once) until it is enabled again."""
    with transaction.atomic():
        access_token.is_active = False
        access_token.save(update_fields=["is_active"])
        _end_access_token_sessions(access_token)


def access_token_enable(*, access_token: UserAccessToken) -> None:
    access_token.is_active = True
    access_token.save(update_fields=["is_active"])


def access_token_session_open(*, token: str) -> Session | None:
    """The session for a personal access token presented for the first time (no session row
    has its hash yet), or None when ``token`` is no usable access token. The session shares
    the token's hash, so later requests find it like any login session, from the cache."""
    if not settings.MATTERMOST.enable_user_access_tokens:
        return None
    access_token = access_token_get_by_token(token)
    if access_token is None or not access_token.is_active:
        return None
    user = access_token.user
    if not user.is_active:
        return None
    now = now_ms()
    props = {
        "type": SESSION_TYPE_ACCESS_TOKEN,
        "user_access_token_id": access_token.id,
        "is_guest": "true" if ROLE_SYSTEM_GUEST in user.role_names else "false",
    }
    if user.is_bot:
        props["is_bot"] = "true"
    try:
        with transaction.atomic():
            still_usable = UserAccessToken.objects.select_for_update().filter(
                pk=access_token.pk, is_active=True
            )
            if not list(still_usable.values_list("pk", flat=True)):
                return None  # disabled or revoked since it was read above
            session = Session.objects.create(
                token_hash=access_token.token_hash,
                user_id=user.id,
                create_at=now,
                last_activity_at=now,
                expires_at=now + ACCESS_TOKEN_SESSION_LIFETIME_MS,
                roles=user.roles,
                props=props,
            )
    except IntegrityError:
        # A concurrent request with the same token opened the session first.
        existing = Session.objects.filter(token_hash=access_token.token_hash).first()
        return None if existing is None or existing.is_expired() else existing
    session_remember(session)
    return session
