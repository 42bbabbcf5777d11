from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    from apps.posts.search import indexes

    indexes.repair_sqlite(connections[using])


class PostsConfig(AppConfig):
    name = "apps.posts"
    label = "posts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.posts import signals  # noqa: F401  (connects the receivers)

        # A migration that alters the posts table on SQLite copies it, losing the search
        # triggers: put them back once every migration has run.
        post_migrate.connect(_repair_search_index, sender=self)
