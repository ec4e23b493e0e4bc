"""each change's row says which roles it waits on; the list index runs newest first,
covers the filters, and replaces the creation time's own index

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-25 01:30:00
"""

from collections.abc import Sequence
from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    op.add_column(
        "change", sa.Column("waiting_roles", sa.String(), nullable=False, server_default="")
    )
    _fill_waiting_roles()
    op.drop_index("ix_change_created_at_id", table_name="change")
    op.drop_index("ix_change_created_at", table_name="change")
    op.create_index(
        "ix_change_created_at_id",
        "change",
        [sa.text("created_at DESC"), "id"],
        postgresql_include=["waiting_roles", "overdue_since", "due_at"],
    )


def _fill_waiting_roles() -> None:
    """From the waiting rows already stored, as throughline.store.waiting.roles_text
    writes them: each role once, in order, between spaces."""
    connection = op.get_bind()
    found = connection.execute(
        sa.text("SELECT DISTINCT change_id, role FROM change_waiting ORDER BY change_id, role")
    ).all()
    values = [
        {"id": change_id, "roles": " " + " ".join(role for _, role in rows) + " "}
        for change_id, rows in groupby(found, key=lambda row: row[0])
    ]
    update = sa.text("UPDATE change SET waiting_roles = :roles WHERE id = :id")
    for start in range(0, len(values), BATCH):
        connection.execute(update, values[start : start + BATCH])


def downgrade() -> None:
    op.drop_index("ix_change_created_at_id", table_name="change")
    op.create_index("ix_change_created_at_id", "change", ["created_at", "id"])
    op.create_index("ix_change_created_at", "change", ["created_at"])
    # Not in batch mode: SQLite drops a column in place, where rebuilding the table would
    # trip over the tables whose foreign keys point at it.
    op.drop_column("change", "waiting_roles")
