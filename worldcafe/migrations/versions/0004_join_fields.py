"""Questions at the door: a café's join fields, participants' answers and personal invitations

Revision ID: 0004_join_fields
Revises: 0003_joining_open
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_join_fields"
down_revision = "0003_joining_open"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("join_fields", sa.JSON(), nullable=True))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("invite_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_participant_invite_token", ["invite_token"])


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_constraint("uq_participant_invite_token", type_="unique")
        batch_op.drop_column("invite_token")
        batch_op.drop_column("attributes")
    with op.batch_alter_table("cafe", schema=None) as batch_op:
        batch_op.drop_column("join_fields")
