"""Keep the hot cache honest: any change to a user or session drops its cached copy, both at
once and again after commit (so a reader cannot re-cache the pre-commit row).

An ended session (logout, revocation, password change, deactivation, a revoked access
token, expiry clean-up ...) is also announced with ``session_revoked``, an event for the
WebSocket hubs, which close that session's sockets. Every way of ending a session deletes
its row, so this receiver is the one place that sees them all."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts.models import Session, User
from apps.accounts.selectors import session_cache_key, user_cache_key
from apps.core.cache import hot_cache
from apps.core.events import Broadcast, publish


def _invalidate(key: str) -> None:
    hot_cache().invalidate(key)
    transaction.on_commit(lambda: hot_cache().invalidate(key))


@receiver([post_save, post_delete], sender=Session)
def session_changed(sender: type[Session], instance: Session, **kwargs: Any) -> None:
    _invalidate(session_cache_key(instance.token_hash))


@receiver(post_delete, sender=Session)
def session_ended(sender: type[Session], instance: Session, **kwargs: Any) -> None:
    publish("session_revoked", {"session_id": instance.id}, Broadcast(user_id=instance.user_id))


@receiver([post_save, post_delete], sender=User)
def user_changed(sender: type[User], instance: User, **kwargs: Any) -> None:
    _invalidate(user_cache_key(instance.pk))
