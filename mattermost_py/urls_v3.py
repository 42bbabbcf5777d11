"""Routes served under /api/v3/ (the Mattermost 3.x/4.x API)."""

import apps.core.api.v3.base  # noqa: F401  (registers the v3id / v3name URL converters)
from apps.accounts.api.v3.urls import urlpatterns as accounts
from apps.core.api.v3.urls import urlpatterns as core
from apps.teams.api.v3.urls import urlpatterns as teams

# Channel and post routes (/teams/{team_id}/channels/..., /teams/{team_id}/posts/...) go
# between core and accounts once they exist: urlpatterns = [*core, *posts, *channels,
# *accounts, *teams], the order of urls_v4.py. No two lists share a pattern.
urlpatterns = [*core, *accounts, *teams]
