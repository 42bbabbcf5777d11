"""The database objects post search reads: a GIN expression index on PostgreSQL, an FTS5
table kept in step by triggers on SQLite. Migration 0003 creates them; ``repair_sqlite``
runs after every ``migrate`` because SQLite alters a table by copying it, which drops
its triggers and renumbers its rows."""

from __future__ import annotations

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError

POSTGRES_INDEX = "posts_message_search"
FTS_TABLE = "posts_fts"

# An external-content table: it indexes posts.message by the posts' rowids and stores no
# copy of the text. The porter stemmer comes closest to PostgreSQL's english stemming;
# accents stay significant, as in PostgreSQL's english configuration.
_FTS_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(message, content='posts', "
    "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 0')"
)
# FTS5 removes a row from an external-content index only when told its old text.
_FTS_TRIGGERS = {
    "posts_fts_insert": (
        "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, message) VALUES (new.rowid, new.message); END"
    ),
    "posts_fts_delete": (
        "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, message) "
        "VALUES ('delete', old.rowid, old.message); END"
    ),
    "posts_fts_update": (
        "CREATE TRIGGER posts_fts_update AFTER UPDATE OF message ON posts BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, message) "
        "VALUES ('delete', old.rowid, old.message); "
        f"INSERT INTO {FTS_TABLE}(rowid, message) VALUES (new.rowid, new.message); END"
    ),
}
# Re-reads every post: indexes the posts stored before the table existed, and repairs it.
_FTS_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def postgres_index_sql() -> str:
    """The index the PostgreSQL backend's ``to_tsvector(<config>, message)`` uses; the
    configuration must be spelled the same in both, so it is the setting's value now."""
    config = settings.MATTERMOST.default_text_search_config
    return (
        f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON posts "
        f"USING gin (to_tsvector('{config}'::regconfig, message))"
    )


def create(connection: BaseDatabaseWrapper) -> None:
    """Create the search index this database supports (none without FTS5 on SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(postgres_index_sql())
        elif connection.vendor == "sqlite" and fts5_available(connection):
            cursor.execute(_FTS_CREATE)
            for statement in _FTS_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(_FTS_REBUILD)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
        elif connection.vendor == "sqlite":
            for name in _FTS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def fts5_available(connection: BaseDatabaseWrapper) -> bool:
    """Whether this SQLite library was built with FTS5."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        except OperationalError:
            return False
        cursor.execute("DROP TABLE temp.fts5_probe")
    return True


def sqlite_fts_ready(connection: BaseDatabaseWrapper) -> bool:
    """Whether the FTS5 table exists (created by the migration when FTS5 was there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        return cursor.fetchone() is not None


def repair_sqlite(connection: BaseDatabaseWrapper) -> bool:
    """Put back the triggers a rebuilt posts table lost and re-index every post. Does
    nothing (one query) while the table and its triggers are in place. Returns whether
    it repaired anything."""
    if connection.vendor != "sqlite" or not sqlite_fts_ready(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'posts'"
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _FTS_TRIGGERS if name not in present]
        if not missing:
            return False
        for name in missing:
            cursor.execute(_FTS_TRIGGERS[name])
        cursor.execute(_FTS_REBUILD)
    return True
