"""Routes served under /api/v3/ (the Mattermost 3.x/4.x API)."""

import apps.core.api.v3.base  # noqa: F401  (registers the v3id / v3name URL converters)
from apps.channels.api.v3.urls import urlpatterns as channels
from apps.core.api.v3.urls import urlpatterns as core
from apps.posts.api.v3.urls import urlpatterns as posts

urlpatterns = [*core, *posts, *channels]
