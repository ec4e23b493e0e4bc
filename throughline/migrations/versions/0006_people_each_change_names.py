"""people each change names

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:14:18.276891
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_person",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "person_id"),
    )
    with op.batch_alter_table("change_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_person_person_id"), ["person_id"], unique=False)
    _name_the_people_of_existing_changes()


def _name_the_people_of_existing_changes() -> None:
    """Changes made before this table existed name their people from their snapshots."""
    change = sa.table("change", sa.column("id", sa.String), sa.column("snapshot", sa.JSON))
    named = sa.table("change_person", sa.column("change_id"), sa.column("person_id"))
    bind = op.get_bind()
    rows = []
    for change_id, snapshot in bind.execute(sa.select(change.c.id, change.c.snapshot)):
        people = {snapshot["proposer"]}
        for persons in snapshot["intake"]["people"].values():
            people.update(persons)
        rows += [{"change_id": change_id, "person_id": person} for person in sorted(people)]
    if rows:
        bind.execute(sa.insert(named), rows)


def downgrade() -> None:
    with op.batch_alter_table("change_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_person_person_id"))

    op.drop_table("change_person")
