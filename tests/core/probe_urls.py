"""A few test-only endpoints that exercise the shared request/response machinery
(body parsing, validation, crashes), mounted beside the real routes."""

from __future__ import annotations

from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.views import MattermostView
from mattermost_py import urls as root


class EchoView(MattermostView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        return Response({"received": request.data})


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)


class ValidateView(MattermostView):
    permission_classes = (AllowAny,)

    def post(self, request: Request) -> Response:
        data = CountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class CrashView(MattermostView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        raise RuntimeError("boom")


probe = [
    path("echo", EchoView.as_view()),
    path("validate", ValidateView.as_view()),
    path("crash", CrashView.as_view()),
]

urlpatterns = [path("api/v4/probe/", include(probe)), *root.urlpatterns]
handler404 = root.handler404
handler500 = root.handler500
