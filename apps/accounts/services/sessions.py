"""Login sessions and personal access tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.accounts.models import (
    ROLE_SYSTEM_GUEST,
    Session,
    User,
    UserAccessToken,
    hash_token,
)
from apps.accounts.selectors import (
    access_token_get_by_token,
    session_get,
    session_remember,
)
from apps.core.clock import now_ms
from apps.core.errors import AppError, invalid_url_param
from apps.core.ids import is_valid_id, new_id

# The session prop naming the team an API v1 login chose: v1 routes act in that team.
SESSION_PROP_V1_TEAM = "v1_team_id"


def session_create(
    *,
    user: User,
    device_id: str = "",
    props: dict[str, str] | None = None,
    is_oauth: bool = False,
    lifetime_hours: int | None = None,
) -> tuple[Session, str]:
    """A new login session for ``user`` (an OAuth app's access token with ``is_oauth``),
    lasting ``lifetime_hours`` (default: a web session's). Returns it with its bearer
    token, which is not stored anywhere and cannot be recovered later."""
    token = new_id()
    now = now_ms()
    hours = lifetime_hours
    if hours is None:
        hours = settings.MATTERMOST.session_length_web_in_hours
    lifetime_ms = hours * 3600 * 1000
    session = Session.objects.create(
        token_hash=hash_token(token),
        user=user,
        create_at=now,
        last_activity_at=now,
        expires_at=now + lifetime_ms,
        device_id=device_id,
        roles=user.roles,
        is_oauth=is_oauth,
        props={"csrf": new_id(), **(props or {})},
    )
    return session, token


def session_revoke(*, session: Session) -> None:
    Session.objects.filter(pk=session.pk).delete()


def sessions_revoke_for_user(*, user_id: str, keep: Session | None = None) -> None:
    """End every session of a user, except ``keep`` when given."""
    sessions = Session.objects.filter(user_id=user_id)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    sessions.delete()


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


def sessions_revoke_everyone() -> None:
    Session.objects.all().delete()


def sessions_remove_expired(*, now: int | None = None) -> int:
    """Delete the sessions that have expired; returns how many."""
    expired = Session.objects.filter(expires_at__lt=now or now_ms()).exclude(expires_at=0)
    _, per_model = expired.delete()
    return per_model.get(Session._meta.label, 0)


# The longest device id a session records (the column's width).
MAX_DEVICE_ID_LENGTH = 512


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
