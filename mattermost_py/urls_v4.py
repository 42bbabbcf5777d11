"""Routes served under /api/v4/."""

from apps.accounts.api.v4.urls import urlpatterns as accounts
from apps.channels.api.v4.urls import urlpatterns as channels
from apps.core.api.v4.urls import urlpatterns as core
from apps.integrations.api.v4.urls import urlpatterns as integrations
from apps.oauth.api.v4.urls import urlpatterns as oauth
from apps.posts.api.v4.urls import urlpatterns as posts
from apps.realtime.api.v4.urls import urlpatterns as realtime
from apps.teams.api.v4.urls import urlpatterns as teams

# Specific routes before general ones: the accounts routes end with users/<user_id>.
urlpatterns = [*core, *realtime, *integrations, *oauth, *posts, *channels, *teams, *accounts]
