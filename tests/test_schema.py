"""Migrations build exactly the models' schema; SQLite runs in WAL mode with foreign keys."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, inspect, text

from worldcafe.database import Database
from worldcafe.extensions import database
from worldcafe.models import Base
from worldcafe.schema import needs_upgrade, upgrade_database


def test_upgrade_from_empty_equals_the_models(app: Flask) -> None:
    with app.app_context():
        engine = database().write_engine
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
        assert not needs_upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= {t for t in Base.metadata.tables}


def test_an_empty_database_is_upgraded_on_first_start(app: Flask) -> None:
    with app.app_context():
        assert "alembic_version" in inspect(database().write_engine).get_table_names()


def test_upgrade_twice_is_harmless(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/twice.db"
    engine = create_engine(url)
    upgrade_database(engine)
    upgrade_database(engine)
    assert not needs_upgrade(engine)
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/pragma.db")
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_manual_checkpoints_copy_the_log_into_the_database_file(tmp_path: object) -> None:
    import shutil
    import sqlite3

    path = f"{tmp_path}/manual.db"
    db = Database(f"sqlite:///{path}", manual_checkpoints=True)
    with db.write() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    with db.write() as session:
        for i in range(200):
            session.execute(text("INSERT INTO t VALUES (:x)"), {"x": i})
    with db.read() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    copy = f"{tmp_path}/copy-before.db"
    shutil.copy(path, copy)
    before = sqlite3.connect(copy)
    assert before.execute("SELECT name FROM sqlite_master WHERE name='t'").fetchall() == []
    before.close()
    db.checkpoint()
    shutil.copy(path, f"{tmp_path}/copy-after.db")
    after = sqlite3.connect(f"{tmp_path}/copy-after.db")
    assert after.execute("SELECT count(*) FROM t").fetchone() == (200,)
    after.close()
    db.dispose()
