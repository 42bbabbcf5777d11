"""How each database matches search terms against post messages.

Every backend turns terms into one condition on the posts query (a ``Q``) and follows the
same rules, so that PostgreSQL and SQLite find the same posts:

* words are compared stemmed (``deploying`` finds ``deploy``) and case-insensitively;
* a phrase needs its words next to each other, in order;
* a prefix term needs a word starting with it (after stemming);
* stop words (``the``, ``and`` ...) are not indexed: a term made of them alone is
  dropped, and if every term is, the terms match nothing (they exclude nothing).

PostgreSQL parses, stems and drops stop words itself (``to_tsvector`` against a GIN
index). SQLite matches through an FTS5 table with the porter stemmer, and this module
drops PostgreSQL's english stop words from the query. Without FTS5, a GLOB scan finds
whole words, unstemmed.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import reduce
from typing import Any, Protocol

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


class TextBackend(Protocol):
    def condition(self, terms: Sequence[Term], *, match_any: bool) -> Q | None:
        """Posts matching every term (``match_any``: one of them); None when no term
        holds a searchable word."""
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


class PostgresTextSearch:
    """``to_tsvector(config, message) @@ tsquery``, the expression the GIN index of
    migration 0003 covers. Each term becomes its own tsquery built by PostgreSQL from the
    term's text, so terms are parsed exactly as messages are; they are combined with
    ``&&`` or ``||``, where an empty one (stop words only) drops out."""

    def __init__(self, config: str) -> None:
        self.config = config  # validated by MattermostConfig: safe to write into SQL

    def condition(self, terms: Sequence[Term], *, match_any: bool) -> Q | None:
        queries = [query for term in terms if (query := self._tsquery(term)) is not None]
        if not queries:
            return None
        # {0} is the message; {1}, {2} ... the terms' texts.
        calls = [
            f"{function}('{self.config}'::regconfig, {{{number}}})"
            for number, (function, _) in enumerate(queries, start=1)
        ]
        joined = (" || " if match_any else " && ").join(calls)
        sql = f"to_tsvector('{self.config}'::regconfig, {{0}}) @@ ({joined})"
        return Q(_Condition(sql, F("message"), *(Value(text) for _, text in queries)))

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


class Fts5TextSearch:
    """An FTS5 ``MATCH`` on the ``posts_fts`` table of migration 0003. Every word is
    quoted, so nothing in a term is read as FTS5 syntax."""

    def condition(self, terms: Sequence[Term], *, match_any: bool) -> Q | None:
        phrases = [self._phrase(term) for term in terms]
        expressions = [phrase for phrase in phrases if phrase is not None]
        if not expressions:
            return None
        match = (" OR " if match_any else " AND ").join(expressions)
        fts = indexes.FTS_TABLE
        sql = f"{{table}}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {{0}})"
        return Q(_Condition(sql, Value(match)))

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


class GlobTextSearch:
    """For SQLite built without FTS5: a scan with GLOB, SQLite's LIKE with character
    classes, which finds whole words (case-insensitive for ASCII) but does not stem."""

    def condition(self, terms: Sequence[Term], *, match_any: bool) -> Q | None:
        patterns = [pattern for term in terms if (pattern := self._pattern(term)) is not None]
        if not patterns:
            return None
        conditions = [
            Q(_Condition("(' ' || lower({0}) || ' ') GLOB {1}", F("message"), Value(pattern)))
            for pattern in patterns
        ]
        return reduce(operator.or_ if match_any else operator.and_, conditions)

    @staticmethod
    def _pattern(term: Term) -> str | None:
        tokens = _tokens(term)
        if not tokens:
            return None
        words = _BOUNDARY.join(tokens)
        return f"*{_BOUNDARY}{words}*" if term.prefix else f"*{_BOUNDARY}{words}{_BOUNDARY}*"
