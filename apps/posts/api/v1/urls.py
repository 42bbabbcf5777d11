from django.urls import URLPattern

from apps.posts.api.v1 import posts

urlpatterns: list[URLPattern] = [*posts.urlpatterns]
