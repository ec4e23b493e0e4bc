"""the archive of closed Temporal histories

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.tables.columns import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "history_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=True),
        sa.Column("workflow_type", sa.String(length=100), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("history", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id", "run_id"),
    )
    with op.batch_alter_table("history_archive", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_history_archive_change_id"), ["change_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_history_archive_closed_at"), ["closed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("history_archive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_archive_closed_at"))
        batch_op.drop_index(batch_op.f("ix_history_archive_change_id"))

    op.drop_table("history_archive")
