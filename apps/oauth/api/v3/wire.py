"""OAuth apps as the last v3 server (Mattermost 4.10) wrote them: without the
``mattermost_app_id`` later versions added."""

from __future__ import annotations

from typing import Any

from apps.oauth.models import OAuthApp
from apps.oauth.wire import oauth_app_fields

APP_KEYS = (
    "id",
    "creator_id",
    "create_at",
    "update_at",
    "client_secret",
    "name",
    "description",
    "icon_url",
    "callback_urls",
    "homepage",
    "is_trusted",
)


def oauth_app_v3(app: OAuthApp, *, with_secret: bool = True) -> dict[str, Any]:
    fields = oauth_app_fields(app, with_secret=with_secret)
    return {key: fields[key] for key in APP_KEYS}
