"""Routes served under /api/v3/ (the Mattermost 3.x/4.x API)."""

import apps.core.api.v3.base  # noqa: F401  (registers the v3id / v3name URL converters)
from apps.accounts.api.v3.urls import urlpatterns as accounts
from apps.channels.api.v3.urls import urlpatterns as channels
from apps.core.api.v3.urls import urlpatterns as core
from apps.integrations.api.v3.urls import urlpatterns as integrations
from apps.oauth.api.v3.apps import urlpatterns as oauth
from apps.posts.api.v3.urls import urlpatterns as posts
from apps.teams.api.v3.urls import urlpatterns as teams

# The order of urls_v4.py; no two lists share a pattern.
urlpatterns = [*core, *integrations, *oauth, *posts, *channels, *accounts, *teams]
