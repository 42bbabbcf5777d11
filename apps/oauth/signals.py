"""An app's access ends with its session, as in Mattermost: whichever way a live OAuth
session ends (the app logs out, the user or an admin revokes it, the user is deactivated
or changes their password ...), its grant goes too, refresh token included. Otherwise
the app could simply refresh its way back in.

Only the clean-up of expired sessions leaves the grant: renewing an expired access token
is what the refresh token is for. Every way of ending a session deletes its row, so this
receiver sees them all (see apps/accounts/signals.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from apps.accounts.models import Session
from apps.oauth.models import OAuthAccessData


@receiver(pre_delete, sender=Session)
def oauth_session_ended(sender: type[Session], instance: Session, **kwargs: Any) -> None:
    if instance.is_oauth and not instance.is_expired():
        OAuthAccessData.objects.filter(session_id=instance.pk).delete()
