"""How each database matches search terms against post messages.

Every backend turns the terms and excluded terms of a query into one condition on the
posts query (a ``Q``) by the same rules, so that PostgreSQL and SQLite find the same
posts:

* words are compared stemmed (``deploying`` finds ``deploy``) and case-insensitively;
* a phrase needs its words next to each other, in order;
* a prefix term needs a word starting with it (after stemming);
* stop words (``the``, ``and`` ...) are not indexed and drop out of the query; terms
  that all drop out match nothing, unless exclusions remain, which then count alone
  (PostgreSQL's tsquery rules: ``the -staging`` is ``-staging``);
* terms and exclusions go to the index as one query, so that excluding a word costs an
  index lookup rather than a scan of every match.

PostgreSQL parses, stems and drops stop words itself (``to_tsvector`` against a GIN
index). SQLite matches through an FTS5 table with the porter stemmer, and this module
drops PostgreSQL's english stop words from the query. Without FTS5, a GLOB scan finds
whole words, unstemmed.
"""

from __future__ import annotations

import operator
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import reduce
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.sql.compiler import SQLCompiler

from apps.posts.search import indexes
from apps.posts.search.query import Term
from apps.posts.search.stop_words import ENGLISH_STOP_WORDS

# A word as SQLite's unicode61 tokenizer cuts them: letters and digits.
_TOKEN = re.compile(r"[^\W_]+")
NOTHING = Q(pk__in=[])


class TextBackend(Protocol):
    def condition(
        self, terms: Sequence[Term], *, match_any: bool, excluded: Sequence[Term] = ()
    ) -> Q | None:
        """Posts with every term (``match_any``: one of them) and none of ``excluded``;
        None when there is nothing to test (no terms, no exclusion left)."""
        ...


def text_backend() -> TextBackend:
    """The backend for the default database."""
    if connection.vendor == "postgresql":
        return PostgresTextSearch(settings.MATTERMOST.default_text_search_config)
    if indexes.sqlite_fts_ready(connection):
        return Fts5TextSearch()
    return GlobTextSearch()


class _Condition(Func):
    """A condition written in SQL around expressions Django compiles: ``{0}``, ``{1}`` ...
    in ``sql`` stand for them, and ``{table}`` for the posts table. Unlike raw SQL naming
    ``posts``, they keep the alias their query gives them (search nests the posts query
    in another)."""

    output_field = BooleanField()

    def __init__(self, sql: str, *expressions: Any) -> None:
        super().__init__(*expressions)
        self.sql = sql

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, *args: Any, **kwargs: Any
    ) -> tuple[str, tuple[Any, ...]]:
        pieces: list[str] = []
        params: list[Any] = []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            pieces.append(sql)
            params.extend(expression_params)
        table = compiler.quote_name_unless_alias(compiler.query.base_table or "")
        return self.sql.format(*pieces, table=table), tuple(params)


def _tokens(term: Term) -> list[str]:
    """The term's words, lower case, without the stop words at either end (PostgreSQL
    keeps a phrase's inner stop words as gaps; keeping them here is the closest FTS5 and
    GLOB come)."""
    tokens = [token.lower() for token in _TOKEN.findall(term.text)]
    while tokens and tokens[0] in ENGLISH_STOP_WORDS:
        tokens.pop(0)
    while tokens and tokens[-1] in ENGLISH_STOP_WORDS:
        tokens.pop()
    return tokens


# The query a backend builds: a tsquery in SQL, an FTS5 expression, a Q.
Query = TypeVar("Query")


class _OneQueryBackend(ABC, Generic[Query]):
    """Builds one query of the terms and the exclusions, and tests posts against it."""

    def condition(
        self, terms: Sequence[Term], *, match_any: bool, excluded: Sequence[Term] = ()
    ) -> Q | None:
        positive = self._query(terms, match_any=match_any)
        negative = self._query(excluded, match_any=True)
        if terms and positive is not None:
            return self._matching(
                positive if negative is None else self._but_not(positive, negative)
            )
        if negative is not None:
            return ~self._matching(negative)
        return NOTHING if terms else None

    @abstractmethod
    def _query(self, terms: Sequence[Term], *, match_any: bool) -> Query | None:
        """The terms joined by AND (``match_any``: OR); None if no term has a word."""

    @abstractmethod
    def _but_not(self, positive: Query, negative: Query) -> Query: ...

    @abstractmethod
    def _matching(self, query: Query) -> Q:
        """Posts matching ``query``."""


class PostgresTextSearch(_OneQueryBackend[tuple[str, list[str]]]):
    """``to_tsvector(config, message) @@ tsquery``, the expression the GIN index of
    migration 0003 covers. Each term is its own tsquery, built by PostgreSQL from the
    term's text (so terms are parsed exactly as messages are) and combined with ``&&``,
    ``||`` and ``!!``; a term PostgreSQL finds empty (stop words only) drops out. A query
    is SQL with ``{}`` for each term's text, and those texts."""

    def __init__(self, config: str) -> None:
        self.config = config  # validated by MattermostConfig: safe to write into SQL

    def _query(self, terms: Sequence[Term], *, match_any: bool) -> tuple[str, list[str]] | None:
        calls = [call for term in terms if (call := self._tsquery(term)) is not None]
        if not calls:
            return None
        joiner = " || " if match_any else " && "
        sql = joiner.join(f"{function}('{self.config}'::regconfig, {{}})" for function, _ in calls)
        return f"({sql})", [text for _, text in calls]

    def _but_not(
        self, positive: tuple[str, list[str]], negative: tuple[str, list[str]]
    ) -> tuple[str, list[str]]:
        return f"({positive[0]} && !!{negative[0]})", positive[1] + negative[1]

    def _matching(self, query: tuple[str, list[str]]) -> Q:
        sql, texts = query
        # {0} is the message, {1}, {2} ... the texts.
        numbered = sql.format(*(f"{{{number}}}" for number in range(1, len(texts) + 1)))
        condition = f"to_tsvector('{self.config}'::regconfig, {{0}}) @@ {numbered}"
        return Q(_Condition(condition, F("message"), *(Value(text) for text in texts)))

    @staticmethod
    def _tsquery(term: Term) -> tuple[str, str] | None:
        """The function that makes the term's tsquery, and the text to give it."""
        if not term.prefix:
            return "phraseto_tsquery", term.text
        # to_tsquery syntax: each word quoted, in sequence, the last one open-ended.
        words = _TOKEN.findall(term.text)
        if not words:
            return None
        return "to_tsquery", " <-> ".join(f"'{word}'" for word in words) + ":*"


class Fts5TextSearch(_OneQueryBackend[str]):
    """An FTS5 ``MATCH`` on the ``posts_fts`` table of migration 0003. Every word is
    quoted, so nothing in a term is read as FTS5 syntax."""

    def _query(self, terms: Sequence[Term], *, match_any: bool) -> str | None:
        phrases = [phrase for term in terms if (phrase := self._phrase(term)) is not None]
        if not phrases:
            return None
        return "(" + (" OR " if match_any else " AND ").join(phrases) + ")"

    def _but_not(self, positive: str, negative: str) -> str:
        return f"{positive} NOT {negative}"

    def _matching(self, query: str) -> Q:
        fts = indexes.FTS_TABLE
        sql = f"{{table}}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {{0}})"
        return Q(_Condition(sql, Value(query)))

    @staticmethod
    def _phrase(term: Term) -> str | None:
        tokens = _tokens(term)
        if not tokens:
            return None
        phrase = '"' + " ".join(tokens) + '"'
        return f"{phrase} *" if term.prefix else phrase


# A word boundary in a GLOB pattern: anything but an ASCII letter or digit. Other
# characters count as letters, so an accented word is never cut in two.
_BOUNDARY = "[^a-z0-9]"


class GlobTextSearch(_OneQueryBackend[Q]):
    """For SQLite built without FTS5: a scan with GLOB, SQLite's LIKE with character
    classes, which finds whole words (case-insensitive for ASCII) but does not stem."""

    def _query(self, terms: Sequence[Term], *, match_any: bool) -> Q | None:
        conditions = [
            Q(_Condition("(' ' || lower({0}) || ' ') GLOB {1}", F("message"), Value(pattern)))
            for term in terms
            if (pattern := self._pattern(term)) is not None
        ]
        if not conditions:
            return None
        return reduce(operator.or_ if match_any else operator.and_, conditions)

    def _but_not(self, positive: Q, negative: Q) -> Q:
        return positive & ~negative

    def _matching(self, query: Q) -> Q:
        return query

    @staticmethod
    def _pattern(term: Term) -> str | None:
        tokens = _tokens(term)
        if not tokens:
            return None
        words = _BOUNDARY.join(tokens)
        return f"*{_BOUNDARY}{words}*" if term.prefix else f"*{_BOUNDARY}{words}{_BOUNDARY}*"
