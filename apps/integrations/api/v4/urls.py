from apps.integrations.api.v4 import commands, incoming_hooks, outgoing_hooks

urlpatterns = [
    *incoming_hooks.urlpatterns,
    *outgoing_hooks.urlpatterns,
    *commands.urlpatterns,
]
