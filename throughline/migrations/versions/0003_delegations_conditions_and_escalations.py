"""delegations, conditions and escalations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:41:45.861483
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegator", sa.String(length=64), nullable=False),
        sa.Column("delegate", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=True),
        sa.Column("starts_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["delegate"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["delegator"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index("ix_delegation_delegate_role", ["delegate", "role"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegation_delegator"), ["delegator"], unique=False)

    op.create_table(
        "gate_condition",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("condition_id", sa.String(length=64), nullable=False),
        sa.Column("gate_id", sa.String(length=100), nullable=False),
        sa.Column("gate_name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("raised_role", sa.String(length=32), nullable=False),
        sa.Column("raised_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "condition_id"),
    )
    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_condition_owner"), ["owner"], unique=False)

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="flow")
        )

    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting_for", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_column("acting_for")

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_condition_owner"))

    op.drop_table("gate_condition")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_delegator"))
        batch_op.drop_index("ix_delegation_delegate_role")

    op.drop_table("delegation")
