"""Notes still without a sentence vector are found by an index, not by reading every note

Revision ID: 0008_note_vector_missing
Revises: 0007_summaries_published
Create Date: 2026-12-02 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_note_vector_missing"
down_revision = "0007_summaries_published"
branch_labels = None
depends_on = None

MISSING = sa.text("vector IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_note_vector_missing",
        "note",
        ["id"],
        sqlite_where=MISSING,
        postgresql_where=MISSING,
    )


def downgrade() -> None:
    op.drop_index("ix_note_vector_missing", table_name="note")
