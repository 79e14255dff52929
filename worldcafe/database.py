"""Engine, sessions and the unit of work; SQLite runs in WAL mode with foreign keys on."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from worldcafe.messages import N_


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
        # Deleted and overwritten content is zeroed on disk, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        if manual_checkpoints:
            # The server copies the log into the database beside the event loop (checkpoint());
            # done inside a commit it would stall every socket while the disk syncs.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_statement)


# What people are told when the database cannot store (pages and socket answers alike).
UNAVAILABLE = N_(
    "The café's database cannot store anything right now. Nothing was saved: "
    "please tell the organisers and try again later."
)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or written; the message is one clear line."""


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for memory databases and other engines)."""
    if not _is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_sqlite_file(url: str) -> None:
    """Create the database file readable by its owner only (0600), and tighten an old one.

    SQLite gives its -wal and -shm files the permissions of the database file.
    """
    path = sqlite_path(url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"the database folder {path.parent} does not exist")
    try:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if file.exists() and file.stat().st_mode & 0o077 and file.stat().st_uid == os.getuid():
                file.chmod(0o600)
    except OSError as error:
        raise DatabaseUnavailable(f"cannot open the database {path}: {error.strerror}") from None


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
        prepare_sqlite_file(url)
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

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A bare connection for a read on a hot path (no ORM), its transaction ended after."""
        with self.read_engine.connect() as connection:
            yield connection

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

    def purge(self) -> None:
        """Leave no trace of deleted or overwritten rows in SQLite's files.

        With secure_delete on, freed content in the database file is zeroed; the
        write-ahead log still holds the old pages until it is copied back and truncated.
        """
        path = sqlite_path(self.url)
        if path is None:
            return
        connection = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    def probe_write(self) -> str | None:
        """Why nothing can be stored (unreachable, read-only), or None if writing works."""
        try:
            with self._lock, self.write_engine.connect() as connection:
                transaction = connection.begin()
                try:
                    connection.exec_driver_sql(
                        "UPDATE alembic_version SET version_num = version_num"
                    )
                finally:
                    transaction.rollback()
        except SQLAlchemyError as error:
            return describe_failure(error)
        return None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def describe_failure(error: BaseException) -> str:
    """One clear line about a database failure, without the statement or a traceback."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = reason[0] if reason else type(error).__name__
    if "readonly" in first or "read-only" in first:
        return "the database is read-only: nothing can be stored"
    return f"the database cannot be used: {first[:200]}"
