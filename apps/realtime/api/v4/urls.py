from django.urls import re_path

from apps.realtime.api.v4.views import WebSocketUpgradeView

urlpatterns = [
    # Mattermost allows a trailing slash here.
    re_path(r"^websocket/?$", WebSocketUpgradeView.as_view(), name="websocket"),
]
