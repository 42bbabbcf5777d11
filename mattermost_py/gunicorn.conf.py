"""gunicorn settings, all from the environment (see the README)."""

import os

from apps.core.logs import logging_config

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8065")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
wsgi_app = "mattermost_py.wsgi:application"
# An empty GUNICORN_ACCESSLOG turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines (start-up, worker deaths, each request) in the app's log format:
# JSON objects carrying the request id unless LOG_FORMAT=plain.
logconfig_dict = logging_config(
    level=loglevel.upper(),
    json_format=os.environ.get("LOG_FORMAT", "json").lower() != "plain",
    access_log=accesslog is not None,
)
