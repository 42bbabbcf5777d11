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

# gunicorn's access-log atoms worth keeping, under readable names.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


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
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            # gunicorn passes the request's atoms as the record's arguments.
            atoms = record.args
            entry.update({name: atoms.get(atom, "") for atom, name in ACCESS_FIELDS.items()})
            entry["request_id"] = entry["request_id"] if entry["request_id"] != "-" else ""
        else:
            entry["message"] = record.getMessage()
            entry["request_id"] = getattr(record, "request_id", "") or REQUEST_ID.get()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(*, level: str, json_format: bool, access_log: bool = True) -> dict[str, Any]:
    """The LOGGING dict for Django (and gunicorn's ``logconfig_dict``); ``access_log``
    False silences gunicorn's line per request."""
    formatter = (
        {"()": JsonFormatter}
        if json_format
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {
                "handlers": ["console"] if access_log else [],
                "level": "INFO" if access_log else "CRITICAL",
                "propagate": False,
            },
        },
    }
