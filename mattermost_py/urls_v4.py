"""Routes served under /api/v4/."""

from apps.accounts.api.v4.urls import urlpatterns as accounts
from apps.core.api.v4.urls import urlpatterns as core

urlpatterns = [*core, *accounts]
