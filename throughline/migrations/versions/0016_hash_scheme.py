"""each change says how its audit events are hashed

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Changes recorded before the choice existed were hashed the first way."""
    with op.batch_alter_table("change") as batch:
        batch.add_column(
            sa.Column(
                "hash_scheme",
                sa.String(length=16),
                nullable=False,
                server_default="sorted-json",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("change") as batch:
        batch.drop_column("hash_scheme")
