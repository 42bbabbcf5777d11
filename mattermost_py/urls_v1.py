"""Routes served under /api/v1/ (the Mattermost 1.x API). None are served yet: every
path answers the standard JSON 404."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
