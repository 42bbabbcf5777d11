"""The search box's query language, read without touching the database.

The reading follows Mattermost's ``model.ParseSearchParams``: words and "quoted phrases",
a trailing ``*`` for a prefix, a leading ``-`` to exclude a word, a phrase, a hashtag or a
filter, ``#hashtags``, and the filters ``from:``, ``in:`` (alias ``channel:``), ``on:``,
``before:`` and ``after:``. A filter with nothing after its colon takes the next word
(``from: alice``); ``ext:`` is read and dropped (it narrows file searches). What the
words then match is up to the database backends (``backends.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FLAGS = ("from", "channel", "in", "before", "after", "on", "ext")
# More words, phrases, hashtags and user or channel filters than this are refused: the
# databases nest each one in the query, and thousands would overflow their parsers.
MAX_PARTS = 100
DAY_MS = 86_400_000
_EPOCH_DAY = date(1970, 1, 1).toordinal()

# Punctuation trimmed from the ends of a word. '#' (a hashtag) and '"' (a phrase) stay at
# the start, '*' (a prefix) and '"' at the end. Letters and digits are [^\W_].
_PUNCT_START = re.compile(r'^(?:[^\w\s#"]|_)+')
_PUNCT_END = re.compile(r'(?:[^\w\s*"]|_)+$')
_HASHES = re.compile(r"^#{2,}")
_HASHTAG = re.compile(r"^#[^\W\d_][\w.\-]*[^\W_]$")
# Inside words and phrases these separate words, as in Mattermost's SQL search
# ("foo-bar" looks for foo and bar); '"', '#' (in a word that is no hashtag) and a '*'
# that does not end a word likewise.
_SEPARATORS = re.compile(r'[<>+\-()~:"#*]')
_ALNUM = re.compile(r"[^\W_]")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclass(frozen=True)
class Term:
    """A word to look for, or a phrase (its words in order, space-separated). A word may
    hold punctuation (``e.mail``, ``don't``): the backend splits it as it splits messages.
    ``prefix``: the last word may go on (``deplo*``)."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()
    excluded_terms: tuple[Term, ...] = ()
    hashtags: tuple[str, ...] = ()  # lower case, with the '#'
    excluded_hashtags: tuple[str, ...] = ()
    from_users: tuple[str, ...] = ()  # usernames, lower case
    excluded_users: tuple[str, ...] = ()
    in_channels: tuple[str, ...] = ()  # channel names, "@user" or "@user1,user2"
    excluded_channels: tuple[str, ...] = ()
    on_date: str = ""  # as typed: YYYY-MM-DD (single-digit parts allowed)
    after_date: str = ""
    before_date: str = ""
    excluded_on_date: str = ""
    excluded_after_date: str = ""
    excluded_before_date: str = ""

    @property
    def searchable(self) -> bool:
        """Whether there is anything to search by. As in Mattermost, excluded dates alone
        are not enough."""
        return any(
            (
                self.terms,
                self.excluded_terms,
                self.hashtags,
                self.excluded_hashtags,
                self.from_users,
                self.excluded_users,
                self.in_channels,
                self.excluded_channels,
                self.on_date,
                self.after_date,
                self.before_date,
            )
        )

    @property
    def size(self) -> int:
        """How many words, phrases, hashtags and user and channel filters it holds."""
        parts = (
            self.terms,
            self.excluded_terms,
            self.hashtags,
            self.excluded_hashtags,
            self.from_users,
            self.excluded_users,
            self.in_channels,
            self.excluded_channels,
        )
        return sum(len(part) for part in parts)


@dataclass(frozen=True)
class CreatedWindow:
    """The creation times (ms) the date filters let through: from ``start`` to ``end``
    (inclusive; None leaves that side open), outside every ``excluded`` range."""

    start: int | None = None
    end: int | None = None
    excluded: tuple[tuple[int, int], ...] = ()

    @property
    def empty(self) -> bool:
        return self.start is not None and self.end is not None and self.start > self.end


NEVER = CreatedWindow(start=1, end=0)


@dataclass(frozen=True)
class SearchPlan:
    """A parsed query with the request's options: what the backends turn into SQL.
    ``match_any``: a post needs one of the terms and hashtags rather than all."""

    query: ParsedQuery
    match_any: bool
    created: CreatedWindow


def plan_search(terms: str, *, match_any: bool = False, time_zone_offset: int = 0) -> SearchPlan:
    """``time_zone_offset``: the searcher's offset from UTC in seconds; their days bound
    the date filters."""
    query = parse_query(terms)
    return SearchPlan(
        query=query, match_any=match_any, created=created_window(query, time_zone_offset)
    )


# Reading the text


def parse_query(text: str) -> ParsedQuery:
    words, flags = _read_flags(_split_words(text.strip()))
    terms: list[Term] = []
    excluded_terms: list[Term] = []
    hashtags: list[str] = []
    excluded_hashtags: list[str] = []
    for word, exclude in words:
        if _HASHTAG.match(word):
            (excluded_hashtags if exclude else hashtags).append(word.lower())
        else:
            (excluded_terms if exclude else terms).extend(_terms_of(word))
    # Each date filter keeps the last value given, as Mattermost's does.
    dates = {(name, exclude): value for name, value, exclude in flags}
    return ParsedQuery(
        terms=tuple(terms),
        excluded_terms=tuple(excluded_terms),
        hashtags=tuple(dict.fromkeys(hashtags)),
        excluded_hashtags=tuple(dict.fromkeys(excluded_hashtags)),
        from_users=_flag_values(flags, "from", exclude=False),
        excluded_users=_flag_values(flags, "from", exclude=True),
        in_channels=_flag_values(flags, "in", exclude=False),
        excluded_channels=_flag_values(flags, "in", exclude=True),
        on_date=dates.get(("on", False), ""),
        after_date=dates.get(("after", False), ""),
        before_date=dates.get(("before", False), ""),
        excluded_on_date=dates.get(("on", True), ""),
        excluded_after_date=dates.get(("after", True), ""),
        excluded_before_date=dates.get(("before", True), ""),
    )


def _split_words(text: str) -> list[str]:
    """Whitespace-separated words, a "quoted section" (with a '-' just before it) being
    one word."""
    words: list[str] = []
    in_quote = False
    start = 0
    for index, char in enumerate(text):
        if char != '"':
            continue
        if in_quote:
            words.append(text[start : index + 1])
            start = index + 1
        else:
            opening = index - 1 if index > 0 and text[index - 1] == "-" else index
            words.extend(text[start:opening].split())
            start = opening
        in_quote = not in_quote
    words.extend(text[start:].split())
    return words


Flag = tuple[str, str, bool]  # name ("channel" read as "in"), value, excluded


def _read_flags(words: list[str]) -> tuple[list[tuple[str, bool]], list[Flag]]:
    """Split ``words`` into search words (trimmed, with their exclusion) and filters."""
    plain: list[tuple[str, bool]] = []
    flags: list[Flag] = []
    skip_next = False
    for index, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        flag = _flag(word, words[index + 1] if index + 1 < len(words) else None)
        if flag is not None:
            flags.append(flag)
            skip_next = word.find(":") == len(word) - 1  # its value was the next word
            continue
        exclude = word.startswith("-")
        word = _HASHES.sub("#", _PUNCT_END.sub("", _PUNCT_START.sub("", word)))
        if word:
            plain.append((word, exclude))
    return plain, flags


def _flag(word: str, following: str | None) -> Flag | None:
    """The filter ``word`` spells (with ``following`` as its value when nothing follows
    the colon), or None for a search word."""
    colon = word.find(":")
    if colon == -1:
        return None
    exclude = word.startswith("-")
    name = (word[1:colon] if exclude else word[:colon]).lower()
    if name not in FLAGS:
        return None
    value = word[colon + 1 :] or following
    if not value:
        return None
    return ("in" if name == "channel" else name, value, exclude)


def _flag_values(flags: list[Flag], name: str, *, exclude: bool) -> tuple[str, ...]:
    """The values of the ``from:`` or ``in:`` filters, lower case, without the leading
    '@' of a username or '~' of a channel (``in:@user`` keeps its '@': it names a direct
    message)."""
    sigil = "@" if name == "from" else "~"
    values = (value.lstrip(sigil).lower() for n, value, ex in flags if (n, ex) == (name, exclude))
    return tuple(value for value in values if value)


def _terms_of(word: str) -> list[Term]:
    """The terms one search word stands for: a phrase if it is quoted, else its words
    (split at Mattermost's separator characters), the last a prefix if it ends in '*'.
    Words without a letter or digit are dropped."""
    if len(word) >= 2 and word[0] == word[-1] == '"':
        inner = word[1:-1].rstrip()
        prefix = inner.endswith("*")
        parts = _words(inner.rstrip("*"))
        if len(parts) > 1:
            return [Term(" ".join(parts), phrase=True, prefix=prefix)]
        return [Term(parts[0], prefix=prefix)] if parts else []
    prefix = word.endswith("*")
    parts = _words(word.rstrip("*"))
    terms = [Term(part) for part in parts]
    if prefix and terms:
        terms[-1] = Term(parts[-1], prefix=True)
    return terms


def _words(text: str) -> list[str]:
    return [part for part in _SEPARATORS.sub(" ", text).split() if _ALNUM.search(part)]


# Dates


def created_window(query: ParsedQuery, time_zone_offset: int) -> CreatedWindow:
    """The creation times ``on:``, ``after:`` and ``before:`` (and their exclusions) allow,
    with the searcher's days starting at midnight ``time_zone_offset`` seconds east of
    UTC. As in Mattermost: ``after:D`` starts the day after D, ``before:D`` ends the day
    before D, ``on:`` overrides every other date filter, an unreadable date in a filter
    matches nothing and in an exclusion excludes nothing."""
    if query.on_date:
        day = _day(query.on_date)
        if day is None:
            return NEVER
        return CreatedWindow(*_day_span(day, time_zone_offset))
    start: int | None = None
    end: int | None = None
    excluded: list[tuple[int, int]] = []
    if query.after_date:
        day = _day(query.after_date)
        if day is None:
            return NEVER
        start = _day_span(day + 1, time_zone_offset)[0]
    if query.before_date:
        day = _day(query.before_date)
        if day is None:
            return NEVER
        end = _day_span(day, time_zone_offset)[0] - 1
    if query.excluded_on_date and (day := _day(query.excluded_on_date)) is not None:
        excluded.append(_day_span(day, time_zone_offset))
    if query.excluded_after_date and (day := _day(query.excluded_after_date)) is not None:
        last = _day_span(day + 1, time_zone_offset)[0] - 1
        end = last if end is None else min(end, last)
    if query.excluded_before_date and (day := _day(query.excluded_before_date)) is not None:
        first = _day_span(day, time_zone_offset)[0]
        start = first if start is None else max(start, first)
    return CreatedWindow(start=start, end=end, excluded=tuple(excluded))


def _day(value: str) -> int | None:
    """The proleptic ordinal of a YYYY-MM-DD date (single-digit parts padded, as
    Mattermost does), or None when it is not a real date."""
    padded = "-".join(f"0{part}" if len(part) == 1 else part for part in value.split("-"))
    match = _DATE.fullmatch(padded)
    if match is None:
        return None
    try:
        return date(*(int(group) for group in match.groups())).toordinal()
    except ValueError:
        return None


def _day_span(day: int, time_zone_offset: int) -> tuple[int, int]:
    """First and last millisecond of ``day`` for a searcher ``time_zone_offset`` seconds
    east of UTC."""
    start = (day - _EPOCH_DAY) * DAY_MS - time_zone_offset * 1000
    return start, start + DAY_MS - 1
