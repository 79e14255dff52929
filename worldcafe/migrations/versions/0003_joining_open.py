"""A café's door: whether new participants may join (the host closes and re-opens it)

Revision ID: 0003_joining_open
Revises: 0002
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_joining_open"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("joining_open", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.drop_column("joining_open")
