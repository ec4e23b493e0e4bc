"""published playbooks

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 08:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.tables.columns import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_version",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("directory_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "version"),
    )


def downgrade() -> None:
    op.drop_table("playbook_version")
