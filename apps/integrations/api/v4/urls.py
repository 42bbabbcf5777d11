from apps.integrations.api.v4 import commands, incoming_hooks

urlpatterns = [*incoming_hooks.urlpatterns, *commands.urlpatterns]
