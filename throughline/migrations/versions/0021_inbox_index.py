"""a person's waiting rows hold everything an inbox orders by, in their index

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25 02:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDERED_BY = ["change_id", "role", "kind", "since", "due_at", "overdue_at"]


def upgrade() -> None:
    op.drop_index("ix_change_waiting_person_id", table_name="change_waiting")
    op.create_index(
        "ix_change_waiting_person_id",
        "change_waiting",
        ["person_id"],
        postgresql_include=ORDERED_BY,
    )


def downgrade() -> None:
    op.drop_index("ix_change_waiting_person_id", table_name="change_waiting")
    op.create_index("ix_change_waiting_person_id", "change_waiting", ["person_id"])
