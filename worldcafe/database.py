"""Engine, sessions and the unit of work; SQLite runs in WAL mode with foreign keys on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _configure_sqlite(engine: Engine, begin_statement: str, manual_checkpoints: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if manual_checkpoints:
            # The server copies the log into the database beside the event loop (checkpoint());
            # done inside a commit it would stall every socket while the disk syncs.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_statement)


def make_engine(url: str, *, write: bool = False, manual_checkpoints: bool = False) -> Engine:
    """An engine for `url`; for SQLite, write engines start transactions with BEGIN IMMEDIATE."""
    if _is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if write else "BEGIN", manual_checkpoints)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class Database:
    """Reader and writer sessions over one database; writes are serialised in-process."""

    def __init__(
        self, url: str, *, write_lock: Any | None = None, manual_checkpoints: bool = False
    ) -> None:
        self.url = url
        self.is_sqlite = _is_sqlite(url)
        self.manual_checkpoints = manual_checkpoints and self.is_sqlite
        self.read_engine = make_engine(url, manual_checkpoints=self.manual_checkpoints)
        self.write_engine = (
            make_engine(url, write=True, manual_checkpoints=self.manual_checkpoints)
            if self.is_sqlite
            else self.read_engine
        )
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite allows one writer: a waiting writer would block the event loop, so
        # writers queue on a cooperative lock instead of on the database file.
        self._lock = write_lock if (write_lock is not None and self.is_sqlite) else _NoLock()

    def session(self) -> Session:
        """A session for reads (and for writes when the caller commits)."""
        return self._read()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: commits on success, rolls back on error."""
        with self._lock:
            session = self._write()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A short write transaction on a bare connection, for the hottest path (no ORM)."""
        with self._lock, self.write_engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session, closed afterwards."""
        session = self._read()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was loaded.
            session.close()

    def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database without blocking writers."""
        if not self.is_sqlite:
            return
        path = self.write_engine.url.database
        if not path or path == ":memory:":
            return
        connection = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
