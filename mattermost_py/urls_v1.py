"""Routes served under /api/v1/ (the Mattermost 1.x API, reference 1.4.0; see docs/api-v1.md).
An unknown path answers the HTML "not found" page, as 1.x did."""

from django.urls import URLPattern, URLResolver

from apps.accounts.api.v1.urls import urlpatterns as accounts
from apps.channels.api.v1.urls import urlpatterns as channels
from apps.posts.api.v1.urls import urlpatterns as posts
from apps.teams.api.v1.urls import urlpatterns as teams

# The accounts routes end with users/{id}, which must come after every other users/ route.
urlpatterns: list[URLPattern | URLResolver] = [*posts, *channels, *teams, *accounts]
