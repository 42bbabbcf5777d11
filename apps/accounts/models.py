"""Users and their login sessions, with Mattermost's field names and units (ms timestamps,
26-character ids, soft delete through ``delete_at``)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from apps.core.clock import now_ms
from apps.core.ids import new_id

ROLE_SYSTEM_USER = "system_user"
ROLE_SYSTEM_ADMIN = "system_admin"
ROLE_SYSTEM_GUEST = "system_guest"


def default_notify_props() -> dict[str, str]:
    return {
        "email": "true",
        "push": "mention",
        "desktop": "mention",
        "desktop_sound": "true",
        "mention_keys": "",
        "channel": "true",
        "push_status": "online",
        "comments": "never",
        "first_name": "false",
        "desktop_threads": "all",
        "email_threads": "all",
        "push_threads": "all",
    }


def default_timezone() -> dict[str, str]:
    return {"useAutomaticTimezone": "true", "automaticTimezone": "", "manualTimezone": ""}


class UserManager(BaseUserManager["User"]):
    """Lets Django's own tooling (``createsuperuser``) create users through our service."""

    def create_user(
        self, username: str, email: str, password: str | None = None, **extra: Any
    ) -> User:
        from apps.accounts.services import user_create

        return user_create(username=username, email=email, password=password, **extra)

    def create_superuser(
        self, username: str, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra["roles"] = f"{ROLE_SYSTEM_ADMIN} {ROLE_SYSTEM_USER}"
        return self.create_user(username, email, password, **extra)


class User(AbstractBaseUser):
    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0, db_index=True)
    username = models.CharField(max_length=64, unique=True)
    # `password` (a Django hasher string) and `last_login` come from AbstractBaseUser.
    auth_data = models.CharField(max_length=128, null=True, blank=True, unique=True)
    auth_service = models.CharField(max_length=32, blank=True, default="")
    email = models.CharField(max_length=128, unique=True)
    email_verified = models.BooleanField(default=False)
    nickname = models.CharField(max_length=64, blank=True, default="")
    first_name = models.CharField(max_length=64, blank=True, default="")
    last_name = models.CharField(max_length=64, blank=True, default="")
    position = models.CharField(max_length=128, blank=True, default="")
    roles = models.CharField(max_length=256, default=ROLE_SYSTEM_USER)
    allow_marketing = models.BooleanField(default=False)
    props = models.JSONField(default=dict, blank=True)
    notify_props = models.JSONField(default=default_notify_props, blank=True)
    last_password_update = models.BigIntegerField(default=0)
    last_picture_update = models.BigIntegerField(default=0)
    failed_attempts = models.IntegerField(default=0)
    # When the latest failed login happened; a lockout ends a set time after it.
    last_failed_login_at = models.BigIntegerField(default=0)
    locale = models.CharField(max_length=5, default="en")
    timezone = models.JSONField(default=default_timezone, blank=True)
    mfa_active = models.BooleanField(default=False)
    mfa_secret = models.CharField(max_length=128, blank=True, default="")
    remote_id = models.CharField(max_length=26, blank=True, default="")
    last_activity_at = models.BigIntegerField(default=0)
    is_bot = models.BooleanField(default=False)
    # A bot's own fields live on its user row (its display name is ``first_name``, as
    # upstream maps it), so user lists show ``bot_description`` without a join.
    bot_description = models.CharField(max_length=1024, blank=True, default="")
    # Who manages the bot: a user id, or whatever id created it; empty for people.
    bot_owner_id = models.CharField(max_length=190, blank=True, default="", db_index=True)
    bot_last_icon_update = models.BigIntegerField(default=0)
    disable_welcome_email = models.BooleanField(default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        db_table = "users"
        ordering: ClassVar[list[str]] = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def role_names(self) -> list[str]:
        return self.roles.split()

    @property
    def is_system_admin(self) -> bool:
        return ROLE_SYSTEM_ADMIN in self.role_names

    # Django's auth and admin read these; they follow Mattermost's state so there is one
    # source of truth: a deactivated user (delete_at set) is inactive, and only active
    # system admins are staff (may use /admin/) and hold every Django permission.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.delete_at == 0

    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_system_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


def hash_token(token: str) -> str:
    """Tokens are random 128-bit ids, so a plain SHA-256 is enough to keep them unreadable."""
    return hashlib.sha256(token.encode()).hexdigest()


class Session(models.Model):
    """A login session. Only the SHA-256 of its bearer token is stored."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    expires_at = models.BigIntegerField(default=0)
    last_activity_at = models.BigIntegerField(default=now_ms)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    device_id = models.CharField(max_length=512, blank=True, default="")
    roles = models.CharField(max_length=256, default="")
    is_oauth = models.BooleanField(default=False)
    expired_notify = models.BooleanField(default=False)
    props = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "sessions"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "-last_activity_at"], name="sessions_user_activity"),
            models.Index(fields=["expires_at"], name="sessions_expires_at"),
        ]

    def __str__(self) -> str:
        return f"session {self.id} of {self.user_id}"

    @property
    def csrf_token(self) -> str:
        return str(self.props.get("csrf", ""))

    def is_expired(self, now: int | None = None) -> bool:
        return self.expires_at != 0 and self.expires_at < (now or now_ms())


# Preferences and status


class Preference(models.Model):
    """One client-side setting of a user (theme, display options, shown DMs ...), keyed by
    category and name. The server treats the value as text, except where a category gives
    it a shape (``theme`` holds a JSON object)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="preferences")
    category = models.CharField(max_length=32)
    name = models.CharField(max_length=32, blank=True, default="")
    value = models.TextField(blank=True, default="")

    class Meta:
        db_table = "preferences"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["user", "category", "name"], name="preferences_user_category_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.name} of {self.user_id}"


STATUS_ONLINE = "online"
STATUS_AWAY = "away"
STATUS_DND = "dnd"
STATUS_OFFLINE = "offline"
STATUS_VALUES = frozenset({STATUS_ONLINE, STATUS_AWAY, STATUS_DND, STATUS_OFFLINE})


class Status(models.Model):
    """A user's presence. Users without a row are offline. ``manual`` marks a status the user
    chose, which their activity does not override."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="status"
    )
    status = models.CharField(max_length=32, default=STATUS_OFFLINE)
    manual = models.BooleanField(default=False)
    last_activity_at = models.BigIntegerField(default=0)
    # Unix seconds (not ms, unlike every other timestamp), as Mattermost sends it.
    dnd_end_time = models.BigIntegerField(default=0)
    # What to go back to when a timed "do not disturb" ends.
    prev_status = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        db_table = "status"
        verbose_name_plural = "statuses"

    def __str__(self) -> str:
        return f"{self.user_id} is {self.status}"


class UserAccessToken(models.Model):
    """A personal access token: a bearer token that works like a login session until it is
    disabled or revoked. Only the SHA-256 of the token is stored; on first use it opens a
    session whose ``token_hash`` is the same hash."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    description = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "user_access_tokens"

    def __str__(self) -> str:
        return f"access token {self.id} of {self.user_id}"
