"""gunicorn settings, all from the environment (see the README and docs/realtime.md).

gunicorn manages the worker processes; each runs uvicorn serving mattermost_py/asgi.py:
the WebSocket on the event loop, the REST API (synchronous Django) on GUNICORN_THREADS
threads.
"""

import os
from typing import Any

from apps.core.logs import logging_config
from apps.realtime.bus import bus_kind, worker_count

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8065")
worker_class = "mattermost_py.worker.MattermostWorker"
wsgi_app = "mattermost_py.asgi:application"  # an ASGI application, despite the name
# Several processes need a bus to share WebSocket events (apps/realtime/bus.py).
workers, _workers_warning = worker_count(
    os.environ.get("GUNICORN_WORKERS"),
    bus_kind(
        redis_url=os.environ.get("REDIS_URL", ""),
        database_is_postgres=os.environ.get("DATABASE_URL", "").startswith("postgres"),
    ),
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# An empty GUNICORN_ACCESSLOG turns the access log off (the application writes it).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines (start-up, worker deaths) and each request's line in the app's
# log format: JSON objects carrying the request id unless LOG_FORMAT=plain.
logconfig_dict = logging_config(
    level=loglevel.upper(),
    json_format=os.environ.get("LOG_FORMAT", "json").lower() != "plain",
    access_log=os.environ.get("GUNICORN_ACCESSLOG", "-"),
)


def on_starting(server: Any) -> None:
    if _workers_warning:
        server.log.warning(_workers_warning)
