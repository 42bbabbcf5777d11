"""The webhook and slash command routes of API v3, collected for mattermost_py/urls_v3.py."""

from apps.integrations.api.v3 import commands, incoming_hooks, outgoing_hooks

urlpatterns = [
    *incoming_hooks.urlpatterns,
    *outgoing_hooks.urlpatterns,
    *commands.urlpatterns,
]
