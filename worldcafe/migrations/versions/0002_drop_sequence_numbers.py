"""Drop the per-café sequence numbers: notes are ordered by id, panels re-rendered on resync

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_cafe_seq")
        batch_op.drop_column("seq")
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.drop_column("seq")


def downgrade() -> None:
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_note_cafe_seq", ["cafe_id", "seq"], unique=False)
