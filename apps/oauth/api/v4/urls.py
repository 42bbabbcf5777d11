"""The OAuth provider's API v4 routes."""

from apps.oauth.api.v4.apps import urlpatterns

__all__ = ["urlpatterns"]
