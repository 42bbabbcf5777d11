"""The OAuth 2.0 provider's tables: registered apps, authorization codes waiting to be
exchanged, and the grants that tie an app's login session to a user.

An access token is a :class:`~apps.accounts.models.Session` with ``is_oauth`` set, so it
authenticates on every API face like any other session. Codes and refresh tokens are kept
as SHA-256 hashes only, like session tokens.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from apps.accounts.models import Session, User
from apps.core.clock import now_ms
from apps.core.ids import new_id

# An authorization code must be exchanged within ten minutes, as in Mattermost.
AUTH_CODE_LIFETIME_SECONDS = 10 * 60
# The scope Mattermost records when a client asks for none.
DEFAULT_SCOPE = "user"


class OAuthApp(models.Model):
    """A client application registered with this server. Its id is the OAuth client id."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    creator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oauth_apps")
    create_at = models.BigIntegerField(default=now_ms, editable=False)
    update_at = models.BigIntegerField(default=now_ms)
    # Kept in clear: Mattermost shows the secret to the app's managers again on request.
    client_secret = models.CharField(max_length=128)
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=512, blank=True, default="")
    icon_url = models.CharField(max_length=512, blank=True, default="")
    callback_urls = models.JSONField(default=list)
    homepage = models.CharField(max_length=256)
    is_trusted = models.BooleanField(default=False)
    mattermost_app_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        db_table = "oauth_apps"
        verbose_name = "OAuth app"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["creator", "create_at"], name="oauth_apps_creator"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        """What oauthlib calls the app's id."""
        return self.id


class OAuthAuthorizationCode(models.Model):
    """A code handed to an app's callback after the user agreed; used once."""

    code_hash = models.CharField(primary_key=True, max_length=64, editable=False)
    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oauth_codes")
    create_at = models.BigIntegerField(default=now_ms)
    expires_in = models.IntegerField(default=AUTH_CODE_LIFETIME_SECONDS)
    redirect_uri = models.CharField(max_length=256)
    state = models.CharField(max_length=1024, blank=True, default="")
    scope = models.CharField(max_length=128, default=DEFAULT_SCOPE)
    code_challenge = models.CharField(max_length=128, blank=True, default="")
    code_challenge_method = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        db_table = "oauth_auth_codes"
        verbose_name = "OAuth authorization code"

    def __str__(self) -> str:
        return f"code for {self.app_id} of {self.user_id}"

    def is_expired(self, now: int | None = None) -> bool:
        return (now or now_ms()) > self.create_at + self.expires_in * 1000


class OAuthAccessData(models.Model):
    """What one user granted one app: the app's current session (its access token) and
    the refresh token that replaces it. One row per user and app."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oauth_grants")
    # Null once the session ended (logout, expiry clean-up): the refresh token still works.
    session = models.OneToOneField(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="oauth_grant"
    )
    refresh_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    redirect_uri = models.CharField(max_length=256)
    expires_at = models.BigIntegerField(default=0)
    scope = models.CharField(max_length=128, default=DEFAULT_SCOPE)

    class Meta:
        db_table = "oauth_access_data"
        verbose_name = "OAuth grant"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["app", "user"], name="oauth_access_data_app_user"),
        ]

    def __str__(self) -> str:
        return f"grant of {self.app_id} by {self.user_id}"
