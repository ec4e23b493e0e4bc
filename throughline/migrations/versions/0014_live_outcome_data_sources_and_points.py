"""live outcome data sources and points

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 08:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.tables.columns import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measure_source",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("query", sa.String(length=4000), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_polled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("last_error_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("measure_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_source_change_id"), ["change_id"], unique=False
        )

    op.create_table(
        "measure_point",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("observed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["measure_source.id"]),
        sa.PrimaryKeyConstraint("change_id", "metric", "observed_at", "origin"),
    )
    with op.batch_alter_table("measure_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_point_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("measure_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_point_source_id"))
    op.drop_table("measure_point")
    with op.batch_alter_table("measure_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_source_change_id"))
    op.drop_table("measure_source")
