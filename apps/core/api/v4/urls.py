from django.urls import path

from apps.core.api.v4.views import SystemPingView

urlpatterns = [
    path("system/ping", SystemPingView.as_view(), name="system-ping"),
]
