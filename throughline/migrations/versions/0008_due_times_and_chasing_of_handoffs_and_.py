"""due times and chasing of handoffs and conditions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 02:11:29.508653
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.tables.columns import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("overdue_since", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("calendar", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_change_due_at"), ["due_at"], unique=False)

    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gate_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("about", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("due_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("due_at")
        batch_op.drop_column("about")
        batch_op.drop_column("gate_id")

    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("due_at")

    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("due_at")

    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_due_at"))
        batch_op.drop_column("calendar")
        batch_op.drop_column("overdue_since")
        batch_op.drop_column("due_at")
