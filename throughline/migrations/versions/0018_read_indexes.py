"""indexes for lists by role and by creation time

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 13:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index("ix_change_created_at_id", ["created_at", "id"], unique=False)
    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_waiting_role_change_id", ["role", "change_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.drop_index("ix_change_waiting_role_change_id")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_created_at_id")
