"""Choosing a node's store: the SQLite file in its data directory, or PostgreSQL with ``--db``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.errors import KioskError
from sync.central.store import NodeMeta, NodeStore


def is_postgres_url(db: str | None) -> bool:
    """Whether ``--db`` names a PostgreSQL database (rather than the default SQLite file)."""
    return bool(db) and db.split("://", 1)[0] in ("postgresql", "postgres")


def open_store(db: str | None, sqlite_path: Path, meta: NodeMeta) -> NodeStore:
    """The store ``--db`` names: a ``postgresql://`` URL, or (None) the SQLite file at ``sqlite_path``."""
    if db is None:
        from sync.central.sqlite_store import SQLiteNodeStore

        return SQLiteNodeStore(sqlite_path, meta)
    if not is_postgres_url(db):
        raise KioskError(f"--db takes a postgresql:// URL, not {db.split('://')[0]!r}",
                         hint="leave --db out for the SQLite store in the data directory")
    try:
        from sync.central.pg_store import PostgresNodeStore
    except ImportError as e:  # psycopg is an optional extra
        raise KioskError(f"the PostgreSQL store needs psycopg: {e}", hint="pip install 'polling-kiosk[pg]'") from e
    return PostgresNodeStore(db, meta)


def store_errors() -> tuple[type[BaseException], ...]:
    """The database errors a damaged store may raise, whichever store it is."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)
