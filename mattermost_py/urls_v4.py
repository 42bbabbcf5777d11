"""Routes served under /api/v4/."""

from apps.accounts.api.v4.urls import urlpatterns as accounts
from apps.core.api.v4.urls import urlpatterns as core
from apps.teams.api.v4.urls import urlpatterns as teams

# Team routes first: they include users/<user_id>/teams..., which the accounts catch-all
# users/<user_id> would not match anyway (one segment), but keep specific before general.
urlpatterns = [*core, *teams, *accounts]
