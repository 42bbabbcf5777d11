"""Reading a recorded HTTP session (a markdown file of request and response blocks).

Each exchange is a ``## title`` followed by two fenced blocks: the request (``METHOD
PATH``, header lines, a blank line, the body) and the response (``HTTP <status>``, header
lines, a blank line, the body). A body longer than the recorder kept ends in
`` ...[truncated]``; :func:`parse_prefix` reads what is left of such a JSON body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FENCE = "```"
TRUNCATED = " ...[truncated]"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class RecordedResponse:
    status: int
    headers: list[tuple[str, str]]
    body: str
    truncated: bool

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


@dataclass
class Exchange:
    title: str
    request: RecordedRequest
    response: RecordedResponse


def _split_head(lines: list[str]) -> tuple[str, list[tuple[str, str]], str]:
    """First line, header lines up to the first blank line, and the rest as the body."""
    first, rest = lines[0], lines[1:]
    headers: list[tuple[str, str]] = []
    while rest and rest[0].strip():
        name, _, value = rest.pop(0).partition(":")
        headers.append((name.strip(), value.strip()))
    return first, headers, "\n".join(rest).strip()


def _fenced_blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if line.strip() == FENCE:
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _exchange(title: str, lines: list[str]) -> Exchange:
    blocks = _fenced_blocks(lines)
    assert len(blocks) == 2, f"{title!r}: expected a request and a response block"
    request_line, request_headers, request_body = _split_head(blocks[0])
    method, _, path = request_line.partition(" ")
    status_line, response_headers, response_body = _split_head(blocks[1])
    truncated = response_body.endswith(TRUNCATED)
    if truncated:
        response_body = response_body[: -len(TRUNCATED)]
    return Exchange(
        title=title,
        request=RecordedRequest(method, path.strip(), dict(request_headers), request_body),
        response=RecordedResponse(
            status=int(status_line.split()[1]),
            headers=response_headers,
            body=response_body,
            truncated=truncated,
        ),
    )


def read_transcript(path: Path) -> list[Exchange]:
    """The exchanges of the recording, in order."""
    exchanges: list[Exchange] = []
    title: str | None = None
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            if title is not None:
                exchanges.append(_exchange(title, lines))
            title, lines = line[3:].strip(), []
        elif title is not None:
            lines.append(line)
    if title is not None:
        exchanges.append(_exchange(title, lines))
    return exchanges


# The beginning of a JSON text


class PartialDict(dict[str, Any]):
    """An object the recording cut short: its last members are missing."""


class PartialList(list[Any]):
    """An array the recording cut short: its last elements are missing."""


class _Cut(Exception):
    """The text ended inside a value; ``partial`` is the container it ended in, if any."""

    def __init__(self, partial: PartialDict | PartialList | None = None) -> None:
        super().__init__()
        self.partial = partial


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_WHITESPACE = re.compile(r"\s*")
_LITERALS = {"true": True, "false": False, "null": None}


class _PrefixParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def skip(self) -> None:
        match = _WHITESPACE.match(self.text, self.at)
        assert match is not None
        self.at = match.end()
        if self.at >= len(self.text):
            raise _Cut

    def value(self) -> Any:
        self.skip()
        char = self.text[self.at]
        if char == "{":
            return self.container(PartialDict(), "}", self.member, dict)
        if char == "[":
            return self.container(PartialList(), "]", self.element, list)
        if char == '"':
            return self.string()
        for literal, value in _LITERALS.items():
            if self.text.startswith(literal, self.at):
                self.at += len(literal)
                return value
            if literal.startswith(self.text[self.at :]):
                raise _Cut
        match = _NUMBER.match(self.text, self.at)
        if match is None:
            raise ValueError(f"not JSON at {self.at}: {self.text[self.at : self.at + 20]!r}")
        if match.end() >= len(self.text):
            raise _Cut  # the digits may go on
        self.at = match.end()
        return json.loads(match.group())

    def string(self) -> str:
        try:
            text, self.at = json.decoder.scanstring(self.text, self.at + 1)
        except json.JSONDecodeError:
            raise _Cut from None
        return text

    def member(self, into: dict[str, Any]) -> None:
        self.skip()
        key = self.string()
        self.skip()
        self.at += 1  # the colon
        try:
            into[key] = self.value()
        except _Cut as cut:
            if cut.partial is not None:
                into[key] = cut.partial
            raise _Cut from None

    def element(self, into: list[Any]) -> None:
        try:
            into.append(self.value())
        except _Cut as cut:
            if cut.partial is not None:
                into.append(cut.partial)
            raise _Cut from None

    def container(
        self, into: Any, closing: str, read_item: Callable[[Any], None], complete: type
    ) -> Any:
        """Read items into ``into`` up to ``closing``: a ``complete`` container, or ``into``
        itself (partial) when the text ends first."""
        self.at += 1
        try:
            self.skip()
            if self.text[self.at] == closing:
                self.at += 1
                return complete(into)
            while True:
                read_item(into)
                self.skip()
                separator = self.text[self.at]
                self.at += 1
                if separator == closing:
                    return complete(into)
        except _Cut:
            raise _Cut(into) from None


def parse_prefix(text: str) -> Any:
    """The JSON value ``text`` begins with. Containers cut short come back as
    :class:`PartialDict` / :class:`PartialList` holding what was complete (and the partial
    container they were cut in); a scalar that was cut is left out."""
    parser = _PrefixParser(text)
    try:
        return parser.value()
    except _Cut as cut:
        return cut.partial
