from apps.integrations.api.v4 import incoming_hooks

urlpatterns = [*incoming_hooks.urlpatterns]
