from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "apps.posts"
    label = "posts"
    default_auto_field = "django.db.models.BigAutoField"
