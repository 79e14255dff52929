"""Ids are never reused (SQLite AUTOINCREMENT); organisers' sign-outs end their sessions

Revision ID: 0005_live_identity
Revises: 0004_join_fields
Create Date: 2026-12-01 04:00:00

SQLite reuses the highest id after a delete unless a table is declared AUTOINCREMENT, which
only a rebuild of the table can add: every table is rebuilt here (worldcafe.schema turns the
foreign-key checks off around migrations, so the rebuild cascades nothing). PostgreSQL's
sequences never hand out an id twice: nothing to do there but the new column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_live_identity"
down_revision = "0004_join_fields"
branch_labels = None
depends_on = None

TABLES = (
    "organiser",
    "cafe",
    "theme",
    "question",
    "cafe_table",
    "round",
    "participant",
    "seat",
    "note",
    "vote",
    "key_insight",
    "carried_idea",
    "audit_event",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
