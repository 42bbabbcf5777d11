"""Structured logs: one JSON object per line, tagged with the id of the request being served
(the same id the client sees in ``X-Request-Id`` and in error bodies), so an operator can go
from a user's error report to the server's log lines."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")

# The logger of the line per HTTP request (written by mattermost_py/wsgi_bridge.py). Its
# records carry their fields in ``record.access``: remote_addr, method, path, query,
# status, bytes, duration_ms, user_agent, request_id.
ACCESS_LOGGER = "access"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a failed request after the middleware is done with it, but hands
            # the request itself to the record.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            entry.update(access)
        else:
            entry["message"] = record.getMessage()
            entry["request_id"] = getattr(record, "request_id", "") or REQUEST_ID.get()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(*, level: str, json_format: bool, access_log: str = "-") -> dict[str, Any]:
    """The LOGGING dict for Django (and gunicorn's ``logconfig_dict``). ``access_log`` is
    where the line per request goes: ``-`` with the other lines (standard error), a file
    path, or nowhere when empty (``GUNICORN_ACCESSLOG``)."""
    formatter = (
        {"()": JsonFormatter}
        if json_format
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    handlers: dict[str, dict[str, Any]] = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "main",
            "filters": ["request_id"],
        }
    }
    access_handlers = ["console"] if access_log == "-" else ["access_file"] if access_log else []
    if access_log not in ("", "-"):
        handlers["access_file"] = {
            "class": "logging.FileHandler",
            "filename": access_log,
            "formatter": "main",
            "filters": ["request_id"],
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": formatter},
        "handlers": handlers,
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # The process manager and the server in each worker process.
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            # uvicorn says INFO for every WebSocket opened and closed: too much at scale.
            "uvicorn.error": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # uvicorn's own access lines say less than ours; only ours are written.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            ACCESS_LOGGER: {
                "handlers": access_handlers,
                "level": "INFO" if access_handlers else "CRITICAL",
                "propagate": False,
            },
        },
    }
