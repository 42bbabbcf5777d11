"""The JSON shape of an OAuth app, as Mattermost writes it."""

from __future__ import annotations

from typing import Any

from apps.oauth.models import OAuthApp


def oauth_app_fields(app: OAuthApp, *, with_secret: bool = True) -> dict[str, Any]:
    """The app; without its secret (an empty string, as Mattermost sanitizes it) for
    anyone who does not manage it."""
    return {
        "id": app.id,
        "creator_id": app.creator_id,
        "create_at": app.create_at,
        "update_at": app.update_at,
        "client_secret": app.client_secret if with_secret else "",
        "name": app.name,
        "description": app.description,
        "icon_url": app.icon_url,
        "callback_urls": list(app.callback_urls),
        "homepage": app.homepage,
        "is_trusted": app.is_trusted,
        "mattermost_app_id": app.mattermost_app_id,
    }
