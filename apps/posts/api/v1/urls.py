from django.urls import URLPattern

from apps.posts.api.v1 import posts, search

# search first: posts/search is no post id.
urlpatterns: list[URLPattern] = [*search.urlpatterns, *posts.urlpatterns]
