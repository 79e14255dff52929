"""A café's published summaries: participants may read their tables' summaries

Revision ID: 0007_summaries_published
Revises: 0006_note_vectors
Create Date: 2026-12-01 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_summaries_published"
down_revision = "0006_note_vectors"
branch_labels = None
depends_on = None


# SQLite rebuilds the table for the new column: it stays AUTOINCREMENT (0005), ids never reused.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("cafe", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.add_column(
            sa.Column(
                "summaries_published", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("cafe", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_column("summaries_published")
