"""Reading recorded sessions: the exchanges of the markdown file, and JSON bodies the
recorder cut short."""

from __future__ import annotations

from pathlib import Path

from tests.clients.transcript import PartialDict, PartialList, parse_prefix, read_transcript

RECORDING = """# A recording

Some words.

## create something

```
POST /api/v3/things/create
Content-Type: application/json
Authorization: Bearer abc

{"name": "x"}
```

```
HTTP 200
Content-Type: application/json
Set-Cookie: A=1; Path=/
Set-Cookie: B=2; Path=/

{"id": "1", "list": [1, 2
```

## a long answer

```
GET /api/v3/things/1
```

```
HTTP 304
Etag: 4.10.0.1

```
"""


def test_exchanges_in_order(tmp_path: Path) -> None:
    path = tmp_path / "recording.md"
    path.write_text(RECORDING.replace("[1, 2\n", "[1, 2 ...[truncated]\n"), encoding="utf-8")
    first, second = read_transcript(path)
    assert first.title == "create something"
    assert (first.request.method, first.request.path) == ("POST", "/api/v3/things/create")
    assert first.request.headers["Authorization"] == "Bearer abc"
    assert first.request.body == '{"name": "x"}'
    assert first.response.status == 200
    assert first.response.header_values("set-cookie") == ["A=1; Path=/", "B=2; Path=/"]
    assert first.response.truncated
    assert first.response.body == '{"id": "1", "list": [1, 2'
    assert (second.request.method, second.request.body) == ("GET", "")
    assert (second.response.status, second.response.header("ETag")) == (304, "4.10.0.1")
    assert (second.response.body, second.response.truncated) == ("", False)


def test_a_cut_body_keeps_what_is_complete() -> None:
    cut = parse_prefix('{"a": 1, "b": [1, 2, {"c": "d", "e": "unfinis')
    assert cut == {"a": 1, "b": [1, 2, {"c": "d"}]}
    assert isinstance(cut, PartialDict)
    assert isinstance(cut["b"], PartialList)
    assert isinstance(cut["b"][2], PartialDict)
    # a number or a literal at the very end may have been cut too
    assert parse_prefix("[10, 20") == [10]
    assert parse_prefix('{"a": tr') == {}
    whole = parse_prefix('{"a": [true, null, "x"], "b": {}}')
    assert whole == {"a": [True, None, "x"], "b": {}}
    # complete containers are plain ones
    assert (type(whole), type(whole["a"])) == (dict, list)
