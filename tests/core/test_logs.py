"""Log lines carry the id of the request they were written for."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from apps.core.logs import REQUEST_ID, JsonFormatter, RequestIdFilter, logging_config


def _record(message: str = "hello") -> logging.LogRecord:
    record = logging.LogRecord("apps.test", logging.WARNING, __file__, 1, message, (), None)
    RequestIdFilter().filter(record)
    return record


def test_a_line_written_while_serving_a_request_names_it() -> None:
    token = REQUEST_ID.set("abcdefghijkmnopqrstuwxyz12")
    try:
        line = json.loads(JsonFormatter().format(_record("disk almost full")))
    finally:
        REQUEST_ID.reset(token)
    assert line["request_id"] == "abcdefghijkmnopqrstuwxyz12"
    assert line["message"] == "disk almost full"
    assert line["level"] == "WARNING"


def test_a_line_outside_any_request_has_an_empty_request_id() -> None:
    assert json.loads(JsonFormatter().format(_record()))["request_id"] == ""


def test_plain_format_shows_the_request_id() -> None:
    config = logging_config(level="INFO", json_format=False)
    formatter = logging.Formatter(config["formatters"]["main"]["format"])
    token = REQUEST_ID.set("plainrequestid")
    try:
        line = formatter.format(_record("plain text"))
    finally:
        REQUEST_ID.reset(token)
    assert line.endswith("WARNING apps.test [plainrequestid] plain text")


@pytest.mark.django_db
def test_the_middleware_tags_log_lines_with_the_response_request_id(client: Client) -> None:
    seen: list[str] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(getattr(record, "request_id", ""))

    logger = logging.getLogger("django.request")
    spy = Spy()
    spy.addFilter(RequestIdFilter())
    logger.addHandler(spy)
    try:
        response = client.get("/api/v4/users/me")
    finally:
        logger.removeHandler(spy)
    assert response.status_code == 401
    assert seen == [response["X-Request-Id"]]


@pytest.mark.parametrize(
    ("access_log", "handlers"), [("-", ["console"]), ("", []), ("/var/log/access", ["access_file"])]
)
def test_the_access_log_goes_where_it_is_told(access_log: str, handlers: list[str]) -> None:
    config = logging_config(level="INFO", json_format=True, access_log=access_log)
    assert config["loggers"]["access"]["handlers"] == handlers
    if access_log.startswith("/"):
        assert config["handlers"]["access_file"]["filename"] == access_log


def test_an_access_line_carries_its_fields() -> None:
    record = logging.LogRecord("access", logging.INFO, __file__, 1, "GET /", (), None)
    record.access = {"method": "GET", "path": "/", "status": "200", "request_id": "r1"}
    line = json.loads(JsonFormatter().format(record))
    assert (line["logger"], line["method"], line["status"], line["request_id"]) == (
        "access",
        "GET",
        "200",
        "r1",
    )
    assert "message" not in line
