"""Every write to users and sessions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from apps.accounts.models import ROLE_SYSTEM_USER, Session, User, hash_token
from apps.core.clock import now_ms
from apps.core.events import publish
from apps.core.ids import new_id


@transaction.atomic
def user_create(
    *, username: str, email: str, password: str | None, roles: str = ROLE_SYSTEM_USER, **fields: Any
) -> User:
    now = now_ms()
    user = User(
        username=username.strip().lower(),
        email=email.strip().lower(),
        roles=roles,
        create_at=now,
        update_at=now,
        **fields,
    )
    if password:
        user.set_password(password)
        user.last_password_update = now
    else:
        user.set_unusable_password()
    user.save(force_insert=True)
    publish("new_user", {"user_id": user.id})
    return user


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
