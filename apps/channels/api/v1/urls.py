from django.urls import URLPattern

from apps.channels.api.v1 import channels, members

urlpatterns: list[URLPattern] = [*channels.urlpatterns, *members.urlpatterns]
