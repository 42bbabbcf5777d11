"""The search query language, read without a database: one table of inputs and what they
parse into, and the date filters' time windows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from apps.posts.search.query import (
    NEVER,
    CreatedWindow,
    ParsedQuery,
    Term,
    created_window,
    parse_query,
    plan_search,
)


def words(*texts: str) -> tuple[Term, ...]:
    return tuple(Term(text) for text in texts)


PARSED: list[tuple[str, dict[str, Any]]] = [
    ("", {}),
    ("   ", {}),
    ("deploy server", {"terms": words("deploy", "server")}),
    ("Deploy", {"terms": words("Deploy")}),
    ('"new release"', {"terms": (Term("new release", phrase=True),)}),
    ('"release"', {"terms": words("release")}),
    ('"new rel*"', {"terms": (Term("new rel", phrase=True, prefix=True),)}),
    ('say "hello there" twice', {"terms": (Term("say"), Term("hello there", True), Term("twice"))}),
    ("rel*", {"terms": (Term("rel", prefix=True),)}),
    ("foo-bar", {"terms": words("foo", "bar")}),
    ("foo-ba*", {"terms": (Term("foo"), Term("ba", prefix=True))}),
    ("de*ploy", {"terms": words("de", "ploy")}),
    ("e.mail don't alice@example.com", {"terms": words("e.mail", "don't", "alice@example.com")}),
    ("(back), 'quoted'", {"terms": words("back", "quoted")}),
    ("*** --- !!", {}),
    ('"unfinished phrase', {"terms": words("unfinished", "phrase")}),
    # exclusions
    ("release -staging", {"terms": words("release"), "excluded_terms": words("staging")}),
    ('-"old build" x', {"terms": words("x"), "excluded_terms": (Term("old build", True),)}),
    ("-rel*", {"excluded_terms": (Term("rel", prefix=True),)}),
    # hashtags
    ("#Release", {"hashtags": ("#release",)}),
    ("##release. #release", {"hashtags": ("#release",)}),
    ("-#design", {"excluded_hashtags": ("#design",)}),
    ("#a.b-c_d", {"hashtags": ("#a.b-c_d",)}),
    ("#1abc #", {"terms": words("1abc")}),
    ("#x", {"terms": words("x")}),
    # filters
    ("from:alice", {"from_users": ("alice",)}),
    ("FROM:@Alice from:bob", {"from_users": ("alice", "bob")}),
    ("from: alice release", {"from_users": ("alice",), "terms": words("release")}),
    ("-from:carol", {"excluded_users": ("carol",)}),
    ("from:", {"terms": words("from")}),
    ("in:town-square channel:~dev", {"in_channels": ("town-square", "dev")}),
    ("in:@bob -in:@Bob,Carol", {"in_channels": ("@bob",), "excluded_channels": ("@bob,carol",)}),
    ("nope:value", {"terms": words("nope", "value")}),
    ("ext:pdf report", {"terms": words("report")}),
    ("on:2024-1-5", {"on_date": "2024-1-5"}),
    ("after:2024-01-01 after:2024-02-01", {"after_date": "2024-02-01"}),
    (
        "before:2024-03-01 -before:2024-01-01",
        {"before_date": "2024-03-01", "excluded_before_date": "2024-01-01"},
    ),
    (
        "-on:2024-03-02 -after:2024-04-01",
        {"excluded_on_date": "2024-03-02", "excluded_after_date": "2024-04-01"},
    ),
]


@pytest.mark.parametrize(("text", "fields"), PARSED)
def test_parse(text: str, fields: dict[str, Any]) -> None:
    assert parse_query(text) == ParsedQuery(**fields)


@pytest.mark.parametrize(
    ("text", "searchable"),
    [
        ("", False),
        ("***", False),
        ("-before:2024-01-01", False),  # excluded dates alone search nothing, as upstream
        ("ext:pdf", False),
        ("word", True),
        ("-word", True),
        ("#tag", True),
        ("in:dev", True),
        ("-from:bob", True),
        ("on:2024-01-01", True),
    ],
)
def test_searchable(text: str, searchable: bool) -> None:
    assert parse_query(text).searchable is searchable


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


DAY = 86_400_000
MARCH_2 = ms(2024, 3, 2)
WINDOWS: list[tuple[str, int, CreatedWindow]] = [
    ("", 0, CreatedWindow()),
    ("on:2024-03-02", 0, CreatedWindow(MARCH_2, MARCH_2 + DAY - 1)),
    ("on:2024-3-2", 0, CreatedWindow(MARCH_2, MARCH_2 + DAY - 1)),
    # an hour east of UTC the searcher's day starts an hour earlier
    ("on:2024-03-02", 3600, CreatedWindow(MARCH_2 - 3_600_000, MARCH_2 + DAY - 3_600_001)),
    ("on:2024-03-02", -18000, CreatedWindow(MARCH_2 + 18_000_000, MARCH_2 + DAY + 17_999_999)),
    # after: starts the next day, before: ends the day before
    ("after:2024-03-02", 0, CreatedWindow(start=MARCH_2 + DAY)),
    ("before:2024-03-02", 0, CreatedWindow(end=MARCH_2 - 1)),
    ("after:2024-03-01 before:2024-03-03", 0, CreatedWindow(MARCH_2, MARCH_2 + DAY - 1)),
    ("after:2024-03-02 before:2024-03-02", 0, CreatedWindow(MARCH_2 + DAY, MARCH_2 - 1)),
    # on: wins over the others
    ("on:2024-03-02 after:2024-05-01 -on:2024-03-02", 0, CreatedWindow(MARCH_2, MARCH_2 + DAY - 1)),
    # exclusions
    ("-on:2024-03-02", 0, CreatedWindow(excluded=((MARCH_2, MARCH_2 + DAY - 1),))),
    ("-after:2024-03-02", 0, CreatedWindow(end=MARCH_2 + DAY - 1)),
    ("-before:2024-03-02", 0, CreatedWindow(start=MARCH_2)),
    ("after:2024-03-01 -before:2024-03-05", 0, CreatedWindow(start=MARCH_2 + 3 * DAY)),
    # a date that is not one: the filter matches nothing, the exclusion excludes nothing
    ("on:2024-02-30", 0, NEVER),
    ("after:yesterday", 0, NEVER),
    ("before:2024-13-01", 0, NEVER),
    ("on:0000-01-01", 0, NEVER),
    ("on:24-03-02", 0, NEVER),
    ("-on:2024-02-30 -after:x -before:y", 0, CreatedWindow()),
]


@pytest.mark.parametrize(("text", "offset", "window"), WINDOWS)
def test_created_window(text: str, offset: int, window: CreatedWindow) -> None:
    assert created_window(parse_query(text), offset) == window


def test_empty_windows() -> None:
    assert NEVER.empty
    assert CreatedWindow(MARCH_2 + DAY, MARCH_2 - 1).empty
    assert not CreatedWindow(MARCH_2, MARCH_2).empty
    assert not CreatedWindow(end=0).empty


def test_size_counts_words_phrases_hashtags_and_user_and_channel_filters() -> None:
    query = parse_query('a "b c" -d #e -#f from:g -from:h in:i -in:j on:2024-01-01 ext:k')
    assert query.size == 9


def test_plan() -> None:
    plan = plan_search("  on:2024-03-02 release ", match_any=True, time_zone_offset=3600)
    assert plan.query.terms == words("release")
    assert plan.match_any is True
    assert plan.created == CreatedWindow(MARCH_2 - 3_600_000, MARCH_2 + DAY - 3_600_001)
