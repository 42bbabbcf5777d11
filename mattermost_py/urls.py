"""Root URLs: one namespace per API generation, the admin, and the API docs."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.integrations.api.webhook import urlpatterns as webhook_posts
from apps.oauth.urls import urlpatterns as oauth_provider
from apps.posts.api.v4.files import public_urlpatterns as public_files

API_VERSIONS = {
    "v4": "mattermost_py.urls_v4",
    "v3": "mattermost_py.urls_v3",
    "v1": "mattermost_py.urls_v1",
}


def api_namespace(version: str) -> URLResolver:
    return path(f"api/{version}/", include((API_VERSIONS[version], version), namespace=version))


def schema_routes(version: str) -> list[URLPattern]:
    only_this_version = SimpleNamespace(urlpatterns=[api_namespace(version)])
    return [
        path(
            f"schema/{version}",
            SpectacularAPIView.as_view(urlconf=only_this_version, api_version=version),
            name=f"schema-{version}",
        ),
        path(
            f"docs/{version}",
            SpectacularSwaggerView.as_view(url_name=f"schema-{version}"),
            name=f"docs-{version}",
        ),
    ]


urlpatterns = [
    path("", TemplateView.as_view(template_name="index.html"), name="home"),
    path("admin/", admin.site.urls),
    # Mattermost serves public file links at the site root, outside the API.
    *public_files,
    # Integrations post to /hooks/{hook_id}, outside the API, as in Mattermost.
    *webhook_posts,
    # The OAuth 2.0 provider's pages and token endpoint, outside the API, as in Mattermost.
    *oauth_provider,
    *[api_namespace(version) for version in API_VERSIONS],
    *[route for version in API_VERSIONS for route in schema_routes(version)],
]

handler400 = "apps.core.errors.handler400"
handler403 = "apps.core.errors.handler403"
handler404 = "apps.core.errors.handler404"
handler500 = "apps.core.errors.handler500"
