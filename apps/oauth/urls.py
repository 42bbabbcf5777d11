"""The OAuth provider's routes outside the API, at the site root as in Mattermost."""

from django.urls import URLPattern, path

from apps.oauth.web import AccessTokenView, DeauthorizeView, authorize_view

urlpatterns: list[URLPattern] = [
    path("oauth/authorize", authorize_view, name="oauth-authorize"),
    path("oauth/access_token", AccessTokenView.as_view(), name="oauth-access-token"),
    path("oauth/deauthorize", DeauthorizeView.as_view(), name="oauth-deauthorize"),
]
