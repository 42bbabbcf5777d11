"""Routes served under /api/v3/ (the Mattermost 3.x/4.x API)."""

from apps.core.api.v3.urls import urlpatterns as core

urlpatterns = [*core]
