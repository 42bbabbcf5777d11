"""Writes of OAuth apps and of what users grant them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts.models import Preference, Session, User, hash_token
from apps.accounts.services import session_create
from apps.core.clock import now_ms
from apps.core.ids import new_id
from apps.oauth.models import OAuthAccessData, OAuthApp, OAuthAuthorizationCode
from apps.oauth.selectors import PREFERENCE_AUTHORIZED_APP
from apps.oauth.validators import AppFields, validate_app_fields

# What an app's session records about its client, as Mattermost fills it in.
OAUTH_CLIENT_NAME = "OAuth2"
SESSION_PROP_OAUTH_APP = "oauth_app_id"


def oauth_app_create(*, creator: User, fields: AppFields) -> OAuthApp:
    validate_app_fields(fields)
    return OAuthApp.objects.create(creator=creator, client_secret=new_id(), **asdict(fields))


def oauth_app_update(*, app: OAuthApp, fields: AppFields) -> OAuthApp:
    """Replace the app's own fields; its id, creator, creation time and secret stay."""
    validate_app_fields(fields)
    for name, value in asdict(fields).items():
        setattr(app, name, value)
    app.update_at = now_ms()
    app.save()
    return app


def oauth_app_regenerate_secret(*, app: OAuthApp) -> OAuthApp:
    app.client_secret = new_id()
    app.update_at = now_ms()
    app.save(update_fields=["client_secret", "update_at"])
    return app


def _end_grants(grants: list[OAuthAccessData]) -> None:
    """End the sessions of these grants (their access tokens stop working at once)."""
    session_ids = [grant.session_id for grant in grants if grant.session_id]
    # Deleting each session row lets the session signals drop the cached copies.
    Session.objects.filter(pk__in=session_ids).delete()


def oauth_app_delete(*, app: OAuthApp) -> None:
    """Delete the app, ending every session it holds and forgetting who authorized it."""
    with transaction.atomic():
        _end_grants(list(app.grants.all()))
        Preference.objects.filter(category=PREFERENCE_AUTHORIZED_APP, name=app.id).delete()
        app.delete()


def oauth_app_deauthorize(*, user_id: str, app_id: str) -> None:
    """Withdraw a user's consent: the app's sessions for that user end, its unused codes
    and refresh token stop working, and the next authorization asks again."""
    with transaction.atomic():
        grants = list(OAuthAccessData.objects.filter(user_id=user_id, app_id=app_id))
        _end_grants(grants)
        OAuthAccessData.objects.filter(pk__in=[grant.pk for grant in grants]).delete()
        OAuthAuthorizationCode.objects.filter(user_id=user_id, app_id=app_id).delete()
        Preference.objects.filter(
            user_id=user_id, category=PREFERENCE_AUTHORIZED_APP, name=app_id
        ).delete()


def oauth_app_authorize(*, user: User, app: OAuthApp, scope: str) -> None:
    """Remember that ``user`` let ``app`` act for them (the consent page is skipped next
    time)."""
    Preference.objects.update_or_create(
        user=user, category=PREFERENCE_AUTHORIZED_APP, name=app.id, defaults={"value": scope}
    )


def authorization_code_save(
    *,
    app: OAuthApp,
    user: User,
    code: str,
    redirect_uri: str,
    scope: str,
    state: str,
    code_challenge: str,
    code_challenge_method: str,
) -> OAuthAuthorizationCode:
    return OAuthAuthorizationCode.objects.create(
        code_hash=hash_token(code),
        app=app,
        user=user,
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
    )


def _app_session(app: OAuthApp, user: User) -> tuple[Session, str]:
    """A session for ``app`` to act as ``user``, and its token (the access token)."""
    return session_create(
        user=user,
        props={
            "platform": app.name,
            "os": OAUTH_CLIENT_NAME,
            "browser": OAUTH_CLIENT_NAME,
            SESSION_PROP_OAUTH_APP: app.id,
        },
        is_oauth=True,
        lifetime_hours=settings.MATTERMOST.session_length_sso_in_hours,
    )


def grant_issue(
    *, app: OAuthApp, user: User, redirect_uri: str, scope: str
) -> tuple[OAuthAccessData, str, str]:
    """Give ``app`` a new access token and refresh token for ``user``, replacing (and
    ending) any it held before: one grant per user and app. Returns the grant, the access
    token and the refresh token (only their hashes are stored)."""
    with transaction.atomic():
        session, access_token = _app_session(app, user)
        refresh_token = new_id()
        grant = _replace_grant(
            app=app,
            user=user,
            session=session,
            refresh_token_hash=hash_token(refresh_token),
            redirect_uri=redirect_uri,
            expires_at=session.expires_at,
            scope=scope,
        )
    return grant, access_token, refresh_token


def _replace_grant(*, app: OAuthApp, user: User, **fields: Any) -> OAuthAccessData:
    """End the grant ``app`` holds for ``user`` and save the new one. Another exchange for
    the same pair (the app got two codes from a double click) may commit its grant between
    the two steps; this one then replaces that grant on a second try."""
    for attempt in (1, 2):
        previous = list(OAuthAccessData.objects.filter(app=app, user=user))
        _end_grants(previous)
        OAuthAccessData.objects.filter(pk__in=[grant.pk for grant in previous]).delete()
        try:
            with transaction.atomic():  # a savepoint, so PostgreSQL can go on after a clash
                return OAuthAccessData.objects.create(app=app, user=user, **fields)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
