from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    label = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.core.events import subscribe
        from apps.integrations.outgoing_delivery import on_posted

        # Committed posts may fire outgoing webhooks.
        subscribe(on_posted)
