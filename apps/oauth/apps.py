from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "apps.oauth"
    label = "oauth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.oauth import signals  # noqa: F401  (connects the receivers)
