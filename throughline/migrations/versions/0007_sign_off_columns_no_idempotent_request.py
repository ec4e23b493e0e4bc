"""sign-off columns, no idempotent_request

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:03:15.032702
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.tables

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("idempotent_request")
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("condition_ids", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("lapsed_at_revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_column("lapsed_at_revision")
        batch_op.drop_column("condition_ids")

    op.create_table(
        "idempotent_request",
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key"),
    )
