from django.urls import URLPattern

from apps.accounts.api.v1 import preferences, sessions, user_changes, users

urlpatterns: list[URLPattern] = [
    *users.urlpatterns,
    *user_changes.urlpatterns,
    *sessions.urlpatterns,
    *preferences.urlpatterns,
    # Last: a one-segment users/{id} would otherwise take users/me and the like.
    *users.user_urlpatterns,
]
