from django.urls import URLPattern

from apps.teams.api.v1 import teams

urlpatterns: list[URLPattern] = [*teams.urlpatterns]
